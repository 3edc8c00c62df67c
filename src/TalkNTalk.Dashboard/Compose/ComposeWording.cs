using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Dashboard.Compose;

/// <summary>
/// What compose says about a send, from Core's <see cref="SendQuote"/>: why Send is off, when the send goes, and
/// what the promotional window does to it. <paramref name="local"/> shows a UTC time as the organisation reads it.
/// </summary>
public sealed class ComposeWording(SendQuote quote, string window, Func<DateTime?, string?> local)
{
    /// <summary>
    /// Why Send is off, in words that say what to change; null when it can go. <paramref name="draftProblem"/> is what
    /// the channel still lacks (its origin, the e-mail's subject, a WhatsApp template's parameters), from the page.
    /// </summary>
    public string? BlockedReason(string? message, int recipients, Channel channel = Channel.Sms, string? draftProblem = null) =>
        quote.MessageProblem is not null ? (channel == Channel.Sms
            ? "Send is off until the message fits in " + SmsText.MaxSegments + " parts (see above)."
            : $"Send is off until the message fits in {ChannelRules.MaxBodyLength(channel):N0} characters (see above).")
        : quote.RecipientsProblem is not null ? "Send is off until there are fewer numbers (see above)."
        : draftProblem is not null ? draftProblem
        : string.IsNullOrWhiteSpace(message) ? "Write the message to send."
        : recipients == 0 ? (channel.UsesMobile() ? "Choose address books or enter numbers to send to." : "Choose address books whose contacts have " + channel.AddressWithArticle() + ".")
        : null;

    /// <summary>When the send goes, as the confirm says it.</summary>
    public string When => quote.DueAt is not { } due ? "now"
        : quote.WaitsForWindow ? $"at {local(due)} (promotional messages go out only between {window})"
        : $"at {local(due)}";

    /// <summary>The promotional sender's rule, and whether this send waits for the window; null for a transactional sender.</summary>
    public string? WindowNotice(SenderIdCategory? category) => category != SenderIdCategory.Promotional ? null
        : !quote.WaitsForWindow ? $"Promotional: sent inside the {window} window, with the opt-out text."
        : $"Promotional messages go out only between {window}. This send will wait until {local(quote.DueAt)}.";

    /// <summary>Who on the chosen books the channel reaches: "1,204 of 1,248 contacts have an e-mail address".</summary>
    public static string Reach(Channel channel, ChannelReach reach) =>
        reach.Contacts == 0 ? "The chosen address books have no contacts yet"
        : $"{reach.WithAddress:N0} of {reach.Contacts:N0} contact{(reach.Contacts == 1 ? "" : "s")} {(reach.WithAddress == 1 ? "has" : "have")} {channel.AddressWithArticle()}";
}
