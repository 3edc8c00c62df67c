using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.WhatsApp;

/// <summary>
/// Meta's webhook for the Cloud API, as the status callback reads it: the subscription handshake, the
/// <c>X-Hub-Signature-256</c> check, and <c>entry[].changes[].value.statuses[]</c> turned into delivery receipts.
/// </summary>
public static class WhatsAppStatusWebhook
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    private const string SignaturePrefix = "sha256=";

    /// <summary>
    /// Whether Meta's subscription handshake (<c>hub.mode=subscribe</c>, <c>hub.verify_token</c>) names our verify token;
    /// false when none is configured.
    /// </summary>
    public static bool IsSubscription(string? mode, string? token, string? verifyToken) =>
        mode == "subscribe" && !string.IsNullOrEmpty(verifyToken) && token is not null && SameBytes(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(verifyToken));

    /// <summary>
    /// Whether <paramref name="header"/> is <c>sha256=</c> and the hex HMAC-SHA256 of the raw body keyed with the app's
    /// secret, compared in constant time; false when it is missing, malformed, or no secret is configured.
    /// </summary>
    public static bool SignatureMatches(ReadOnlySpan<byte> body, string? header, string? appSecret)
    {
        if (string.IsNullOrEmpty(appSecret) || header is null || !header.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase))
            return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(SignaturePrefix.Length).Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body, expected);
        return SameBytes(given, expected);
    }

    /// <summary>The header Meta would send for <paramref name="body"/>: what tests and a local peer sign with.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string appSecret) =>
        SignaturePrefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    /// <summary>
    /// The final statuses in a notification: <c>delivered</c> and <c>read</c> deliver, <c>failed</c> fails with
    /// <c>errors[0].code</c> (131050: the person opted out of marketing); <c>sent</c> and anything else change nothing.
    /// A status names the message by its <c>wamid</c>, and by ours when <c>biz_opaque_callback_data</c> carries it. Other
    /// changes (incoming messages, account events) are ignored. Throws <see cref="FormatException"/> for a body that is no
    /// notification.
    /// </summary>
    public static IReadOnlyList<DeliveryReceipt> Read(ReadOnlySpan<byte> body, DateTime now)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException("The notification is not JSON: " + e.Message, e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.NodeOf("entry") is not { ValueKind: JsonValueKind.Array } entries)
                throw new FormatException("A notification is an object with an \"entry\" array.");
            var receipts = new List<DeliveryReceipt>();
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.NodeOf("changes") is not { ValueKind: JsonValueKind.Array } changes)
                    continue;
                foreach (var change in changes.EnumerateArray())
                {
                    if (change.NodeOf("value")?.NodeOf("statuses") is not { ValueKind: JsonValueKind.Array } statuses)
                        continue;
                    foreach (var status in statuses.EnumerateArray())
                        if (Receipt(status, now) is { } receipt)
                            receipts.Add(receipt);
                }
            }
            return receipts;
        }
    }

    private static DeliveryReceipt? Receipt(JsonElement status, DateTime now)
    {
        var id = status.TextOf("id");
        var state = status.TextOf("status");
        if (string.IsNullOrWhiteSpace(id) || state is not ("delivered" or "read" or "failed"))
            return null;
        var at = status.NumberOf("timestamp") is { } seconds and > 0 and < 32_503_680_000 ? DateTime.UnixEpoch.AddSeconds(seconds) : now;
        string? code = null;
        if (state == "failed")
            code = status.NodeOf("errors") is { ValueKind: JsonValueKind.Array } errors && errors.GetArrayLength() > 0 && errors[0].NumberOf("code") is { } n
                ? n.ToString(CultureInfo.InvariantCulture)
                : "failed";
        Guid? ours = Guid.TryParseExact(status.TextOf("biz_opaque_callback_data"), "N", out var messageId) ? messageId : null;
        return new DeliveryReceipt(id, state != "failed", code, at, ours);
    }

    private static bool SameBytes(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}
