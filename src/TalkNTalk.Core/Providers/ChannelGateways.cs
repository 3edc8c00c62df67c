using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.Email;
using TalkNTalk.Core.Channels.Slack;
using TalkNTalk.Core.Channels.Telegram;
using TalkNTalk.Core.Channels.WhatsApp;

namespace TalkNTalk.Core.Providers;

/// <summary>
/// Every channel's provider in its own <see cref="GatewayLane"/> (rate limit, circuit, health), so a slow or failing
/// channel never holds up another: SMS's is <see cref="SmsGateway.Current"/> (it can change provider at run time), the
/// others are built once from <see cref="ChannelsOptions"/>. The dispatcher sends each channel through its lane.
/// </summary>
public sealed class ChannelGateways
{
    private readonly SmsGateway _sms;
    private readonly Dictionary<Channel, GatewayLane> _lanes = [];

    public ChannelGateways(SmsGateway sms, IServiceProvider services, IOptions<ChannelsOptions> options, TimeProvider clock, GatewayNotifier notifier,
        ILogger<ChannelGateways> logger)
    {
        _sms = sms;
        foreach (var channel in ChannelNames.All.Where(c => c != Channel.Sms))
        {
            var settings = options.Value.For(channel);
            var provider = Build(channel, settings, services);
            _lanes[channel] = new GatewayLane(settings.Provider, provider, settings.MessagesPerSecond, settings.Circuit, clock, logger,
                () => notifier.Publish(GatewayNotifier.Installation), channel);
        }
    }

    private ChannelGateways(SmsGateway sms, Dictionary<Channel, GatewayLane> lanes)
    {
        _sms = sms;
        _lanes = lanes;
    }

    /// <summary>Fixed lanes, for tests and benchmarks that hand the dispatcher providers of their own; channels not given have none.</summary>
    public static ChannelGateways Fixed(SmsGateway sms, params GatewayLane[] lanes) => new(sms, lanes.ToDictionary(l => l.Channel));

    /// <summary>The lane a channel's messages go through now; null for a channel with no provider (only in tests).</summary>
    public GatewayLane? For(Channel channel) => channel == Channel.Sms ? _sms.Current : _lanes.GetValueOrDefault(channel);

    /// <summary>The channels that have a lane.</summary>
    public IEnumerable<Channel> Channels => ChannelNames.All.Where(c => For(c) is not null);

    // Each channel's real provider is chosen here by its configured name; anything else is the simulator.
    private static IMessageProvider Build(Channel channel, ChannelProviderOptions settings, IServiceProvider services) =>
        (channel, settings.Provider) switch
        {
            (Channel.Email, EmailOptions.Smtp) => services.GetRequiredService<SmtpEmailProvider>(),
            (Channel.Telegram, TelegramOptions.BotApi) => ActivatorUtilities.CreateInstance<TelegramBotProvider>(services, settings),
            (Channel.Slack, SlackOptions.WebApi) => ActivatorUtilities.CreateInstance<SlackWebApiProvider>(services, settings),
            (Channel.WhatsApp, WhatsAppOptions.CloudApi) => ActivatorUtilities.CreateInstance<WhatsAppCloudProvider>(services, settings),
            _ => SimulatedSmsProvider.ForChannel(channel, services),
        };
}
