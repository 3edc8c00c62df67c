using System.Security.Cryptography;
using System.Text;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// How a receiver knows an event came from us: <c>X-TalkNTalk-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where the hex is
/// HMAC-SHA256, keyed with the endpoint's secret (its UTF-8 bytes, <c>whsec_</c> included), of <c>"&lt;t&gt;." + body</c>.
/// During a secret rotation a second <c>v1=</c> carries the signature with the previous secret.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-TalkNTalk-Signature";
    public const string EventIdHeader = "X-TalkNTalk-Event-Id";
    public const string EventHeader = "X-TalkNTalk-Event";
    public const string AttemptHeader = "X-TalkNTalk-Attempt";

    /// <summary>Lower-case hex HMAC-SHA256 of <c>"{timestamp}." + body</c>.</summary>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)).ToLowerInvariant();
    }

    /// <summary>The header's value: the timestamp, then one <c>v1=</c> per secret that currently signs.</summary>
    public static string HeaderValue(long timestamp, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets)
    {
        var value = new StringBuilder($"t={timestamp}");
        foreach (var secret in secrets)
            value.Append(",v1=").Append(Compute(secret, timestamp, body));
        return value.ToString();
    }
}
