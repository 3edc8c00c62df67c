using MimeKit;

namespace TalkNTalk.Core.Channels.Email;

/// <summary>What a message that arrived at a VERP address says about the e-mail it names.</summary>
/// <param name="Failed">It could not be delivered (a bounce): the e-mail becomes <c>undelivered</c>.</param>
/// <param name="Status">The report's status (<c>5.1.1</c>), or why the message was not taken as a bounce.</param>
public sealed record BounceReport(bool Failed, string Status)
{
    /// <summary>
    /// The receipt's error code for a relay that gave up after temporary failures (a <c>4.x.x</c> status: a full mailbox, a
    /// server that stayed down): undelivered, but unlike a hard bounce (<see cref="ChannelRules.EmailBounced"/>) the address
    /// stays on the channel.
    /// </summary>
    public const string GaveUp = "bounced_transient";

    /// <summary>The receipt's error code: a permanent failure (<c>5.x.x</c>, or a plain bounce that says none) is a hard bounce.</summary>
    public string ErrorCode => Status.StartsWith("4.", StringComparison.Ordinal) ? GaveUp : ChannelRules.EmailBounced;

    /// <summary>
    /// Reads a message sent to a VERP address. A delivery status notification (RFC 3464) is a bounce when a recipient's
    /// <c>Action</c> is <c>failed</c>; one that only says <c>delayed</c> (the relay is still trying), <c>delivered</c>,
    /// <c>relayed</c> or <c>expanded</c> is not. Older relays bounce in plain text: such a message from the null sender is
    /// a bounce when it comes from the mailer daemon or postmaster or its subject says delivery failed. Automatic replies
    /// (out of office) also go to the envelope sender, from the null sender too, and are never bounces.
    /// </summary>
    /// <param name="fromNullSender">The envelope sender was <c>&lt;&gt;</c>, as every bounce's is.</param>
    public static BounceReport Read(MimeMessage message, bool fromNullSender)
    {
        var report = message.BodyParts.OfType<MessageDeliveryStatus>().FirstOrDefault();
        if (report is not null)
        {
            // The first group is about the message, each further one about a recipient.
            var recipients = report.StatusGroups.Skip(1).ToList();
            var failed = recipients.FirstOrDefault(g => string.Equals(g["Action"]?.Trim(), "failed", StringComparison.OrdinalIgnoreCase));
            if (failed is not null)
                return new BounceReport(true, Code(failed["Status"]) ?? "5.0.0");
            var action = recipients.Select(g => g["Action"]?.Trim()).FirstOrDefault(a => !string.IsNullOrEmpty(a)) ?? "none";
            return new BounceReport(false, $"a delivery report with action {action.ToLowerInvariant()}");
        }
        if (!fromNullSender)
            return new BounceReport(false, "not a delivery report, and not from the null sender");
        var daemon = message.From.Mailboxes.Any(m => m.LocalPart.Equals("mailer-daemon", StringComparison.OrdinalIgnoreCase)
                                                     || m.LocalPart.Equals("postmaster", StringComparison.OrdinalIgnoreCase));
        if (Says(message, DelaySubjects))
            return new BounceReport(false, "a delay warning");
        if (daemon || (!IsAutoReply(message) && Says(message, FailureSubjects)))
            return new BounceReport(true, "5.0.0");
        return new BounceReport(false, IsAutoReply(message) ? "an automatic reply" : "not a delivery report");
    }

    // What plain-text bounces of the common relays say in their subject, and their warnings that they are still trying.
    private static readonly string[] FailureSubjects =
        ["undeliver", "delivery failed", "delivery failure", "delivery status notification (failure)", "returned mail", "failure notice", "could not be delivered"];

    private static readonly string[] DelaySubjects = ["delayed", "delay notification", "warning:", "still being retried"];

    private static bool Says(MimeMessage message, string[] words) =>
        words.Any(w => message.Subject?.Contains(w, StringComparison.OrdinalIgnoreCase) == true);

    private static string? Code(string? status) => status?.Trim().Split(' ', 2)[0] is { Length: > 0 } code ? code : null;

    // RFC 3834's Auto-Submitted, and the older headers vacation programs still send.
    private static bool IsAutoReply(MimeMessage message) =>
        message.Headers["Auto-Submitted"] is { } submitted && !submitted.Trim().Equals("no", StringComparison.OrdinalIgnoreCase)
        || message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond")
        || message.Headers["Precedence"]?.Trim().Equals("auto_reply", StringComparison.OrdinalIgnoreCase) == true;
}
