using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.WhatsApp;

/// <summary>WhatsApp's provider (section <c>Channels:WhatsApp</c>): simulated, or <c>CloudApi</c> (Meta's Cloud API).</summary>
public sealed class WhatsAppOptions : ChannelProviderOptions
{
    public const string CloudApi = "CloudApi";

    /// <summary>The Cloud API takes 80 messages a second per business number by default.</summary>
    public override int MessagesPerSecond { get; set; } = 80;

    /// <summary>The Graph API's address with its version; tests point it at a loopback server.</summary>
    public string BaseUrl { get; set; } = "https://graph.facebook.com/v21.0";

    /// <summary>A system user's access token for the business account.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The Meta app's secret: status webhooks are signed with it (<c>X-Hub-Signature-256</c>).</summary>
    public string? AppSecret { get; set; }

    /// <summary>The token Meta echoes when the webhook is subscribed (<c>hub.verify_token</c>).</summary>
    public string? VerifyToken { get; set; }

    /// <summary>How long one submission may take before its outcome counts as unknown (it is not sent again).</summary>
    public int TimeoutSeconds { get; set; } = 15;
}
