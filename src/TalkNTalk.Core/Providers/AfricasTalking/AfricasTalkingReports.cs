using System.Text;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Providers.AfricasTalking;

/// <summary>
/// Africa's Talking's delivery reports: it POSTs form fields <c>id</c> (its messageId), <c>status</c>,
/// <c>phoneNumber</c>, <c>networkCode</c>, <c>failureReason</c> and <c>retryCount</c> to the callback URL set once in
/// its dashboard. <c>Success</c> is delivered to the phone; <c>Failed</c> and <c>Rejected</c> are final and undelivered;
/// <c>Sent</c>, <c>Submitted</c>, <c>Buffered</c> (and anything else) are intermediate and change nothing, so they are
/// answered 200 and ignored (AT retries a callback that is not answered 200). The network code (MCC+MNC) says which
/// network really carried it, which corrects the prefix table's guess for a ported number.
/// </summary>
public static class AfricasTalkingReports
{
    /// <summary>Kenya's mobile network codes as Africa's Talking sends them; any other code names no network we know.</summary>
    public static Network? NetworkOf(string? networkCode) => networkCode?.Trim() switch
    {
        "63902" => Network.Safaricom,
        "63903" or "63905" => Network.Airtel,
        "63907" => Network.Telkom,
        _ => null,
    };

    /// <summary>What a callback's fields say; null for an intermediate report. No id or status: <see cref="FormatException"/>.</summary>
    public static DeliveryReceipt? Read(string? id, string? status, string? networkCode, string? failureReason, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(status))
            throw new FormatException("The report has no id or no status.");
        var network = NetworkOf(networkCode);
        return status.Trim().ToLowerInvariant() switch
        {
            "success" => new DeliveryReceipt(id.Trim(), true, null, now, null, network),
            "failed" => new DeliveryReceipt(id.Trim(), false, SnakeCase(failureReason) ?? "undelivered", now, null, network),
            "rejected" => new DeliveryReceipt(id.Trim(), false, SnakeCase(failureReason) ?? "rejected", now, null, network),
            _ => null,
        };
    }

    /// <summary><c>InsufficientBalance</c> → <c>insufficient_balance</c>; the short codes kept in a message's error code. Null for nothing.</summary>
    public static string? SnakeCase(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return null;
        var text = new StringBuilder();
        foreach (var c in name.Trim())
        {
            if (char.IsUpper(c) && text.Length > 0 && text[^1] != '_')
                text.Append('_');
            text.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }
        var code = text.ToString().Trim('_');
        return code.Length <= 60 ? code : code[..60];
    }
}
