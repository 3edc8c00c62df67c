using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.Email;
using TalkNTalk.Core.Channels.Slack;
using TalkNTalk.Core.Channels.Telegram;
using TalkNTalk.Core.Channels.WhatsApp;

namespace TalkNTalk.Core.Providers;

/// <summary>What every channel's provider settings have: which provider, its rate, its circuit.</summary>
public abstract class ChannelProviderOptions
{
    /// <summary>The simulated provider, in process: what <c>dotnet run</c> uses with nothing configured.</summary>
    public const string Simulated = "Simulated";

    /// <summary><c>Simulated</c>, or the channel's real provider (<c>Smtp</c>, <c>BotApi</c>, <c>WebApi</c>, <c>CloudApi</c>).</summary>
    public string Provider { get; set; } = Simulated;

    /// <summary>Messages handed to the provider per second at most (the channel's own token bucket); 0 for no limit.</summary>
    public abstract int MessagesPerSecond { get; set; }

    public CircuitOptions Circuit { get; set; } = new();
}

/// <summary>The providers of the channels beside SMS (section <c>Channels</c>; SMS keeps its own section, <c>Sms</c>).</summary>
public sealed class ChannelsOptions
{
    public const string SectionName = "Channels";

    public WhatsAppOptions WhatsApp { get; set; } = new();
    public TelegramOptions Telegram { get; set; } = new();
    public EmailOptions Email { get; set; } = new();
    public SlackOptions Slack { get; set; } = new();

    /// <summary>The settings of a channel other than SMS.</summary>
    public ChannelProviderOptions For(Channel channel) => channel switch
    {
        Channel.WhatsApp => WhatsApp,
        Channel.Telegram => Telegram,
        Channel.Email => Email,
        Channel.Slack => Slack,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "SMS is configured in the Sms section."),
    };
}
