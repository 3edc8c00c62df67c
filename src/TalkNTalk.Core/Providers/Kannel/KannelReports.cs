using System.Globalization;

namespace TalkNTalk.Core.Providers.Kannel;

/// <summary>
/// Kannel's delivery reports: the <c>dlr-url</c> we give each message, and what its callback means. Kannel fills in
/// the escape codes: <c>%d</c> the report type, <c>%T</c> its Unix time, <c>%A</c> the SMSC's answer text.
/// Types: 1 delivered to the phone, 2 not delivered, 16 rejected by the SMSC are final; 4 (queued at the SMSC) and
/// 8 (accepted by the SMSC) are not, and are answered 200 and ignored, whatever order they come in. Kannel 1.4.5
/// splits a long message itself and asks a report for its first part only, so one final report settles the whole
/// message (measured against fakesmsc; no escape code names a part). A report sent again (smsbox retries a callback
/// that failed) finds its message already settled and changes nothing.
/// </summary>
public static class KannelReports
{
    public static string UrlFor(SmsCallbacks callbacks, Guid messageId) =>
        callbacks.KannelReportUrl(messageId) + "?type=%d&at=%T&answer=%A";

    /// <summary>What a callback's values say; null for an intermediate report that changes nothing.</summary>
    public static KannelReport? Read(string? type, string? at, string? answer, DateTime now)
    {
        if (!int.TryParse(type, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            throw new FormatException("The report's type (%d) is missing or not a number.");
        var when = long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : now;
        if (when > now.AddMinutes(5))
            when = now; // a gateway clock running ahead must not date a delivery in the future
        return value switch
        {
            _ when (value & 1) != 0 => new KannelReport(true, null, when),
            _ when (value & 2) != 0 => new KannelReport(false, ErrorCode(answer, "undelivered"), when),
            _ when (value & 16) != 0 => new KannelReport(false, ErrorCode(answer, "smsc_rejected"), when),
            _ => null,
        };
    }

    // The SMSC's answer is free text ("NACK/0x0000000b/Invalid Destination Address"); a short code of it is kept.
    private static string ErrorCode(string? answer, string fallback)
    {
        if (string.IsNullOrWhiteSpace(answer) || answer.Contains('%'))
            return fallback;
        var trimmed = answer.Trim();
        return trimmed.Length <= 60 ? trimmed : trimmed[..60];
    }
}

public sealed record KannelReport(bool Delivered, string? ErrorCode, DateTime At);
