using System.Security.Cryptography;
using System.Text;
using TalkNTalk.Core.Data;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace TalkNTalk.Core.Providers;

/// <summary>
/// The addresses providers call back with delivery reports, and the tokens that authenticate them. A token is an
/// HMAC-SHA256 of what it is for (a message id for Kannel, whose report URL is per message; the provider's name for
/// Africa's Talking, whose callback URL is set once in its dashboard) under a random key every instance shares
/// (<see cref="InstallationSecrets"/>). Nobody can forge a report without the key, and one message's URL opens no other.
/// </summary>
public sealed class SmsCallbacks
{
    private readonly Lazy<byte[]> _key;
    private string? _baseUrl;

    /// <param name="legacyKeyFile">Where releases on one machine kept the key (beside the SQLite file), taken over once.</param>
    public SmsCallbacks(IOptions<SmsOptions> options, InstallationSecrets secrets, string? legacyKeyFile = null)
    {
        _baseUrl = Trim(options.Value.CallbackBaseUrl);
        // Read on first use, after start-up has migrated the database.
        _key = new Lazy<byte[]>(() => secrets.GetOrCreate("sms-callback", legacyKeyFile, "TalkNTalk.SmsCallbacks"));
    }

    /// <summary>This app's address as the provider reaches it, without a trailing slash.</summary>
    public string BaseUrl
    {
        get => _baseUrl ?? "http://127.0.0.1:5000";
        set => _baseUrl = Trim(value);
    }

    /// <summary>True when nothing set the address yet (the host then uses the address it listens on).</summary>
    public bool BaseUrlUnset => _baseUrl is null;

    public string Token(string purpose) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(purpose)), 0, 18);

    public bool Verify(string purpose, string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Token(purpose)), Encoding.ASCII.GetBytes(token));

    /// <summary>Where every provider's callback lives under <see cref="BaseUrl"/>.</summary>
    public const string PathPrefix = "/callbacks";

    public static string KannelPurpose(Guid messageId) => $"kannel:{messageId:N}";

    public const string AfricasTalkingPurpose = "africastalking";

    /// <summary>Kannel's <c>dlr-url</c> for one message, before Kannel's own escape codes are added.</summary>
    public string KannelReportUrl(Guid messageId) => $"{BaseUrl}{PathPrefix}/kannel/{messageId:N}/{Token(KannelPurpose(messageId))}";

    /// <summary>The delivery-report callback URL to enter in Africa's Talking's dashboard.</summary>
    public string AfricasTalkingReportUrl => $"{BaseUrl}{PathPrefix}/africastalking/{Token(AfricasTalkingPurpose)}";

    private static string? Trim(string? url) => string.IsNullOrWhiteSpace(url) ? null : url.Trim().TrimEnd('/');
}
