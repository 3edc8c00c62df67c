using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Dashboard.Gateway;

/// <summary>
/// The gateway's health in words, one place for the gateway page and the campaign page. Times come through
/// <c>clock</c>, the page's organisation-time formatter ("10:42").
/// </summary>
public static class GatewayWording
{
    /// <summary>A provider's configured name (<see cref="GatewayHealth.Provider"/>) as people read it.</summary>
    public static string ProviderName(string provider) => provider switch
    {
        nameof(SmsProviderKind.AfricasTalking) => "Africa's Talking",
        "Smtp" => "SMTP",
        "BotApi" => "Telegram Bot API",
        "WebApi" => "Slack Web API",
        "CloudApi" => "WhatsApp Cloud API",
        _ => provider,
    };

    public static string ProviderName(SmsProviderKind kind) => ProviderName(kind.ToString());

    /// <summary>"Sending", "Waiting for the gateway since 10:42 — next try 10:43", "Trying again".</summary>
    public static string State(GatewayHealth health, Func<DateTime, string> clock) => health.State switch
    {
        GatewayState.Waiting => $"Waiting for the gateway{Since(health, clock)}{(health.RetryAt is { } at ? $" — next try {clock(at)}" : "")}",
        GatewayState.Probing => "Trying again",
        _ => "Sending",
    };

    /// <summary>The campaign page's notice while its messages wait on their channel's lane: "Waiting for the SMS gateway since 10:42 — …".</summary>
    public static string CampaignNotice(GatewayHealth health, Func<DateTime, string> clock, Channel channel = Channel.Sms) =>
        $"Waiting for {LaneName(channel)}{Since(health, clock)} — messages stay queued and nothing is charged.";

    /// <summary>What a channel's messages go through, as a sentence names it: "the SMS gateway", "the e-mail server", …</summary>
    public static string LaneName(Channel channel) => channel switch
    {
        Channel.Sms => "the SMS gateway",
        Channel.Email => "the e-mail server",
        _ => $"the {channel.ToDisplayName()} API",
    };

    /// <summary>"12.4 messages a second (at most 100)", or "(no limit)" when the provider's rate is not capped.</summary>
    public static string Rate(GatewayHealth health) =>
        $"{health.SendingPerSecond:0.#} messages a second " + (health.MessagesPerSecond > 0 ? $"(at most {health.MessagesPerSecond:N0})" : "(no limit)");

    private static string Since(GatewayHealth health, Func<DateTime, string> clock) =>
        health.DownSince is { } since ? $" since {clock(since)}" : "";
}
