namespace TalkNTalk.Core.Channels;

/// <summary>What differs between channels before the provider: how long a body may be and what "delivered" means.</summary>
public static class ChannelRules
{
    /// <summary>
    /// The longest body a channel takes, in characters: Telegram's and WhatsApp's 4,096, Slack's 40,000 (it cuts longer
    /// text), an e-mail's 100,000. SMS is limited by its parts instead (<c>SmsText.MaxSegments</c>), so it has none here.
    /// </summary>
    public static int? MaxBodyLength(Channel channel) => channel switch
    {
        Channel.WhatsApp or Channel.Telegram => 4_096,
        Channel.Slack => 40_000,
        Channel.Email => 100_000,
        _ => null,
    };

    /// <summary>
    /// Telegram, Slack and e-mail have no delivery reports: the provider accepting a message is its delivery (an e-mail's
    /// later bounce makes it undelivered). The dispatcher records such a message <c>sent</c> and <c>delivered</c> together.
    /// </summary>
    public static bool DeliveredOnAcceptance(Channel channel) => channel is Channel.Telegram or Channel.Slack or Channel.Email;

    /// <summary>Whether a campaign on the channel must name an origin (Slack sends as the workspace's bot when it names none).</summary>
    public static bool NeedsOrigin(Channel channel) => channel != Channel.Slack;

    /// <summary>Why <paramref name="body"/> is too long for the channel, or null.</summary>
    public static string? LengthProblem(Channel channel, string body) => MaxBodyLength(channel) is { } max && body.Length > max
        ? $"A {channel.ToDisplayName()} message is at most {max:N0} characters; this one has {body.Length:N0}. Shorten it by {body.Length - max:N0}."
        : null;

    /// <summary>The error code a provider gives when the person blocked the organisation's Telegram bot.</summary>
    public const string TelegramBlocked = "bot_blocked";

    /// <summary>WhatsApp Cloud API's error for a person who opted out of marketing messages.</summary>
    public const string WhatsAppMarketingOptOut = "131050";

    /// <summary>The error code an e-mail's hard bounce carries (the receiving server refused it for good).</summary>
    public const string EmailBounced = "bounced";

    /// <summary>
    /// Whether a refusal or failed report means the address must not get the channel's messages any more: Telegram's
    /// "bot was blocked by the user", WhatsApp's marketing opt-out, an e-mail's hard bounce. Such an address is opted out
    /// of its channel (only), for the reason returned; null when the error says nothing of the kind.
    /// </summary>
    public static AddressBooks.OptOutReason? OptOutFor(Channel channel, string? errorCode) => (channel, errorCode) switch
    {
        (Channel.Telegram, TelegramBlocked) => AddressBooks.OptOutReason.BotBlocked,
        (Channel.WhatsApp, WhatsAppMarketingOptOut) => AddressBooks.OptOutReason.MarketingOptOut,
        (Channel.Email, EmailBounced) => AddressBooks.OptOutReason.Bounced,
        _ => null,
    };
}
