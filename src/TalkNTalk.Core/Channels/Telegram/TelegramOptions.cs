using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.Telegram;

/// <summary>Telegram's provider (section <c>Channels:Telegram</c>): simulated, or <c>BotApi</c>. Each bot's token is its origin's.</summary>
public sealed class TelegramOptions : ChannelProviderOptions
{
    public const string BotApi = "BotApi";

    /// <summary>Telegram allows a bot about 30 messages a second to different chats.</summary>
    public override int MessagesPerSecond { get; set; } = 30;

    /// <summary>The Bot API's address; tests point it at a loopback server.</summary>
    public string BaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>How long one submission may take before its outcome counts as unknown (it is not sent again).</summary>
    public int TimeoutSeconds { get; set; } = 15;
}
