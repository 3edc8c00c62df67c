using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Dashboard.Compose;

/// <summary>
/// What compose says about a send, from Core's <see cref="SendQuote"/>: why Send is off, when the send goes, and
/// what the promotional window does to it. <paramref name="local"/> shows a UTC time as the organisation reads it.
/// </summary>
public sealed class ComposeWording(SendQuote quote, string window, Func<DateTime?, string?> local)
{
    /// <summary>Why Send is off, in words that say what to change; null when it can go.</summary>
    public string? BlockedReason(string? message, int recipients) =>
        quote.MessageProblem is not null ? "Send is off until the message fits in " + SmsText.MaxSegments + " parts (see above)."
        : quote.RecipientsProblem is not null ? "Send is off until there are fewer numbers (see above)."
        : string.IsNullOrWhiteSpace(message) ? "Write the message to send."
        : recipients == 0 ? "Choose address books or enter numbers to send to."
        : null;

    /// <summary>When the send goes, as the confirm says it.</summary>
    public string When => quote.DueAt is not { } due ? "now"
        : quote.WaitsForWindow ? $"at {local(due)} (promotional messages go out only between {window})"
        : $"at {local(due)}";

    /// <summary>The promotional sender's rule, and whether this send waits for the window; null for a transactional sender.</summary>
    public string? WindowNotice(SenderIdCategory? category) => category != SenderIdCategory.Promotional ? null
        : !quote.WaitsForWindow ? $"Promotional: sent inside the {window} window, with the opt-out text."
        : $"Promotional messages go out only between {window}. This send will wait until {local(quote.DueAt)}.";
}
