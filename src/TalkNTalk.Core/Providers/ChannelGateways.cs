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
            var (name, provider) = Build(channel, settings, services);
            _lanes[channel] = new GatewayLane(name, provider, settings.MessagesPerSecond, settings.Circuit, clock, logger,
                () => notifier.Publish(GatewayNotifier.Installation), channel);
            logger.LogInformation("{Channel} sends through {Provider}, at most {Rate} a second", channel.ToDisplayName(), name,
                settings.MessagesPerSecond > 0 ? settings.MessagesPerSecond : "any number");
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

    // Each channel's real provider is chosen here by its configured name, in any case; a name that is neither it nor the
    // simulator stops the start-up, rather than sending nothing while charging for messages "delivered" by a simulator.
    private static (string Name, IMessageProvider Provider) Build(Channel channel, ChannelProviderOptions settings, IServiceProvider services)
    {
        var real = channel switch
        {
            Channel.Email => EmailOptions.Smtp,
            Channel.Telegram => TelegramOptions.BotApi,
            Channel.Slack => SlackOptions.WebApi,
            _ => WhatsAppOptions.CloudApi,
        };
        var name = settings.Provider?.Trim() ?? "";
        if (name.Length == 0 || string.Equals(name, ChannelProviderOptions.Simulated, StringComparison.OrdinalIgnoreCase))
            return (ChannelProviderOptions.Simulated, SimulatedSmsProvider.ForChannel(channel, services));
        if (!string.Equals(name, real, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"{ChannelsOptions.SectionName}:{channel}:Provider is '{name}', which is not a {channel.ToDisplayName()} provider: set it to {ChannelProviderOptions.Simulated} or {real}.");
        IMessageProvider provider = channel switch
        {
            Channel.Email => services.GetRequiredService<SmtpEmailProvider>(),
            Channel.Telegram => ActivatorUtilities.CreateInstance<TelegramBotProvider>(services, settings),
            Channel.Slack => ActivatorUtilities.CreateInstance<SlackWebApiProvider>(services, settings),
            _ => ActivatorUtilities.CreateInstance<WhatsAppCloudProvider>(services, settings),
        };
        return (real, provider);
    }
}
