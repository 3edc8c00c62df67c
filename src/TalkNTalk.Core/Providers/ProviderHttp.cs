using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace TalkNTalk.Core.Providers;

/// <summary>A provider's answer, read whole: its status, its body and the wait its <c>Retry-After</c> asked for.</summary>
public sealed record ProviderAnswer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    public int Code => (int)Status;

    /// <summary>The body as JSON, or null when it is none (an HTML error page from a proxy, an empty body).</summary>
    public JsonElement? Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The first 200 characters of the body, for an error's detail.</summary>
    public string Short => ProviderHttp.Short(Body);
}

/// <summary>
/// What the HTTP providers (Telegram, Slack, WhatsApp) share: one exchange under a time limit, where a connection that
/// never opened certainly sent nothing (<see cref="ProviderUnavailableException"/>) and a timeout or a broken answer may
/// have (any other exception). Nothing here is retried or logged: a retry could send a message twice, and a bot's token
/// travels in Telegram's URL.
/// </summary>
public static class ProviderHttp
{
    /// <summary>A JSON request body as every provider here takes it (Slack warns without the charset).</summary>
    public static StringContent JsonBody(object payload) => new(JsonSerializer.Serialize(payload), Encoding.UTF8, "application/json");

    /// <summary>
    /// Sends <paramref name="message"/> and reads the whole answer. <paramref name="provider"/> and <paramref name="baseUrl"/>
    /// name the peer in errors (never the request's URL: it may carry a secret).
    /// </summary>
    public static async Task<ProviderAnswer> ExchangeAsync(HttpClient client, HttpRequestMessage message, string provider, string baseUrl, int timeoutSeconds,
        CancellationToken ct)
    {
        var seconds = Math.Max(1, timeoutSeconds);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var retryAfter = response.Headers.RetryAfter is { } r ? r.Delta ?? (r.Date - DateTimeOffset.UtcNow) : null;
            return new ProviderAnswer(response.StatusCode, body, retryAfter);
        }
        catch (HttpRequestException e) when (NeverConnected(e))
        {
            throw new ProviderUnavailableException($"{provider} is not reachable at {Origin(baseUrl)}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{provider} did not answer within {seconds} s; the message may have been taken.", e);
        }
    }

    /// <summary>A refused or unresolvable connection certainly sent nothing; a connection that broke mid-answer may have.</summary>
    /// <summary>
    /// What a 5xx answer means. Only 503 says the service did not take the request (unavailable: nothing is charged, the
    /// lane backs off); any other (500, 502, 504) may have come after the provider took the message, so it is an outcome
    /// we cannot know, and a message of a provider without idempotency keys is never handed over again blindly.
    /// </summary>
    public static Exception ServerError(string provider, int code, string answer) => code == 503
        ? new ProviderUnavailableException($"{provider} could not take the message ({code} {answer}).")
        : new InvalidOperationException($"{provider} answered {code} {answer}; the message may have been taken.");

    public static bool NeverConnected(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
        || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NetworkUnreachable };

    public static string Short(string body)
    {
        var trimmed = body.Trim();
        return trimmed.Length <= 200 ? trimmed : trimmed[..200];
    }

    /// <summary>A string property of a JSON object, or null.</summary>
    public static string? TextOf(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A whole-number property of a JSON object (a number, or digits in a string), or null.</summary>
    public static long? NumberOf(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
            return n;
        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    /// <summary>An object or array property of a JSON object, or null.</summary>
    public static JsonElement? NodeOf(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array
            ? value : null;

    // The scheme, host and port only: Telegram's base URL is followed by the bot's token, and no setting should leak a path.
    private static string Origin(string baseUrl) => Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : baseUrl;
}
