using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Channels;

/// <summary>
/// The way a campaign reaches people. Everything before the provider (address books, de-duplication, credit, the
/// dispatcher, statuses, the explorer, webhooks) is the same for every channel; the channel decides the contact's
/// address a message goes to, its origin, its body and its provider.
/// </summary>
public enum Channel
{
    Sms,
    WhatsApp,
    Telegram,
    Email,
    Slack,
}

/// <summary>The channel's names: the API's (<c>sms</c>, <c>whatsapp</c>, …) and people's (SMS, WhatsApp, …).</summary>
public static class ChannelNames
{
    public static IReadOnlyList<Channel> All { get; } = Enum.GetValues<Channel>();

    /// <summary>The name the API, the webhooks' event types and the dashboard's URLs use: "sms", "whatsapp", "telegram", "email", "slack".</summary>
    public static string ToApiName(this Channel channel) => channel switch
    {
        Channel.Sms => "sms",
        Channel.WhatsApp => "whatsapp",
        Channel.Telegram => "telegram",
        Channel.Email => "email",
        Channel.Slack => "slack",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    /// <summary>The name people read: "SMS", "WhatsApp", "Telegram", "E-mail", "Slack".</summary>
    public static string ToDisplayName(this Channel channel) => channel switch
    {
        Channel.Sms => "SMS",
        Channel.WhatsApp => "WhatsApp",
        Channel.Telegram => "Telegram",
        Channel.Email => "E-mail",
        Channel.Slack => "Slack",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    /// <summary>What a contact's address for the channel is called: "mobile", "e-mail address", "Telegram chat id", "Slack member id".</summary>
    public static string AddressName(this Channel channel) => channel switch
    {
        Channel.Sms or Channel.WhatsApp => "mobile number",
        Channel.Telegram => "Telegram chat id",
        Channel.Email => "e-mail address",
        Channel.Slack => "Slack member id",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    /// <summary>A noun of the product's wording with its article: "an e-mail address", "a Telegram bot".</summary>
    public static string WithArticle(string noun) => (noun.Length > 0 && "aeiouAEIOU".Contains(noun[0]) ? "an " : "a ") + noun;

    /// <summary>The channel's address with its article: "a mobile number", "an e-mail address", "a Telegram chat id".</summary>
    public static string AddressWithArticle(this Channel channel) => WithArticle(channel.AddressName());

    /// <summary>An address as people read it: a number as +254 712 345 678, any other address as stored.</summary>
    public static string DisplayAddress(this Channel channel, string address) =>
        channel.UsesMobile() && PhoneNumber.TryParse(address, out var phone, out _) ? phone.Display : address;

    /// <summary>SMS and WhatsApp reach a mobile number, so a message of theirs has a network.</summary>
    public static bool UsesMobile(this Channel channel) => channel is Channel.Sms or Channel.WhatsApp;

    /// <summary>Reads an API name ("sms", "email", …) in any case; numbers are refused.</summary>
    public static bool TryParse(string? name, out Channel channel)
    {
        var trimmed = name?.Trim();
        foreach (var candidate in All)
        {
            if (string.Equals(trimmed, candidate.ToApiName(), StringComparison.OrdinalIgnoreCase))
            {
                channel = candidate;
                return true;
            }
        }

        channel = Channel.Sms;
        return false;
    }
}
