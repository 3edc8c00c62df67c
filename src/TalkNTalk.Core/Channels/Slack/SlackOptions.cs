using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.Slack;

/// <summary>Slack's provider (section <c>Channels:Slack</c>): simulated, or <c>WebApi</c> (<c>chat.postMessage</c> with a bot token).</summary>
public sealed class SlackOptions : ChannelProviderOptions
{
    public const string WebApi = "WebApi";

    /// <summary>
    /// Slack allows about one message a second per conversation, in bursts; a campaign writes to many members' direct
    /// conversations, so the lane's own limit is the workspace's overall pace.
    /// </summary>
    public override int MessagesPerSecond { get; set; } = 10;

    /// <summary>The Web API's address; tests point it at a loopback server.</summary>
    public string BaseUrl { get; set; } = "https://slack.com/api";

    /// <summary>The workspace bot's token (<c>xoxb-…</c>).</summary>
    public string? BotToken { get; set; }

    /// <summary>How long one submission may take before its outcome counts as unknown (it is not sent again).</summary>
    public int TimeoutSeconds { get; set; } = 15;
}
