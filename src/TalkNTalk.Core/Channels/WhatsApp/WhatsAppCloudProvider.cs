using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Core.Channels.WhatsApp;

/// <summary>
/// Sends through Meta's WhatsApp Cloud API: <c>POST {BaseUrl}/{phone-number-id}/messages</c> with
/// <c>Authorization: Bearer {AccessToken}</c>, from the origin's phone-number id (<see cref="Origin.ProviderRef"/>), as a
/// <c>text</c> message or, for a body stored by <see cref="WhatsAppTemplate.ToBody"/>, a <c>template</c> message. Each
/// carries our message id in <c>biz_opaque_callback_data</c>, which Meta repeats in its status webhooks, so a report
/// settles even a message whose answer was lost. The Cloud API keeps no idempotency key. Answers: 200 with
/// <c>messages[0].id</c> (the <c>wamid</c> its status webhooks name): taken, delivery reported later. Otherwise
/// <c>{"error": {"code", "message", "error_data": {"details"}}}</c>, read by its code (<see cref="Classify"/>): a refusal of
/// this message (131026 undeliverable, 131047 re-engagement, 131050 marketing opt-out, 132xxx template errors, 100 invalid
/// parameter …) fails it with the code as its error; 130429/80007/4 or HTTP 429: slow down; 190 (the token) and other
/// account-wide codes, 503 and a refused connection: not taken; another 5xx: perhaps taken. A timeout or an answer that cannot be read: perhaps taken.
/// </summary>
public sealed class WhatsAppCloudProvider(WhatsAppOptions options, OriginSecrets origins, IHttpClientFactory http) : IMessageProvider
{
    /// <summary>The named HttpClient: never retried (a retry could send twice), never logged.</summary>
    public const string HttpClientName = "whatsapp";

    private const string Name = "WhatsApp";

    public bool DeduplicatesByMessageId => false;

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.AccessToken))
            throw new ProviderUnavailableException("WhatsApp's access token is not set: put a system user's token in Channels:WhatsApp:AccessToken.");
        var origin = await origins.FindAsync(request.OrganisationId, Channel.WhatsApp, request.SenderId, ct);
        if (string.IsNullOrWhiteSpace(origin?.ProviderRef))
            return new SubmitResult(SubmitOutcome.Failed, ErrorCode: "unknown_origin",
                ErrorDetail: $"WhatsApp number {request.SenderId} is not registered with its phone-number ID: register it under Admin › Sender IDs.");
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{options.BaseUrl.TrimEnd('/')}/{Uri.EscapeDataString(origin.ProviderRef)}/messages")
        {
            Content = ProviderHttp.JsonBody(Payload(request)),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
        var answer = await ProviderHttp.ExchangeAsync(http.CreateClient(HttpClientName), message, Name, options.BaseUrl, options.TimeoutSeconds, ct);
        return Read(answer);
    }

    /// <summary>The Cloud API's account has no credit we can read; a payment problem is its error 131042 (unavailable).</summary>
    public Task<bool> HasCreditAsync(CancellationToken ct) => Task.FromResult(true);

    /// <summary>The request body: a text message, or a template message with its body parameters in order.</summary>
    internal static Dictionary<string, object> Payload(SubmitRequest request)
    {
        var payload = new Dictionary<string, object>
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = request.Address,
            ["biz_opaque_callback_data"] = request.MessageId.ToString("N"),
        };
        if (WhatsAppTemplate.TryParse(request.Body, out var template))
        {
            payload["type"] = "template";
            var body = new Dictionary<string, object> { ["name"] = template.Name, ["language"] = new { code = template.Language } };
            if (template.Parameters.Count > 0)
                body["components"] = new[] { new { type = "body", parameters = template.Parameters.Select(p => new { type = "text", text = p }).ToArray() } };
            payload["template"] = body;
        }
        else
        {
            payload["type"] = "text";
            payload["text"] = new { preview_url = false, body = request.Body };
        }
        return payload;
    }

    /// <summary>What an error code of the Cloud API means for the message that met it.</summary>
    internal enum ErrorKind { Refused, Throttled, Deferred, Unavailable }

    /// <summary>
    /// Throughput limits of the app or account (4 app calls, 80007 account, 130429 number's throughput): slow the lane down.
    /// A limit of one business number or one recipient (131048 the number's spam limit, 131056 the pair limit): only that
    /// message waits (deferred), so one organisation's limit does not hold up the others'.
    /// The token, the permissions, the account's standing or payment, Meta's own trouble (0–3, 10, 190, 200–299, 368,
    /// 131000, 131005, 131016, 131031, 131042, 131045): nothing can go, whichever the message. Anything else concerns this
    /// message or its origin (131026, 131047, 131049, 131050, 100, 132xxx templates, 133xxx an unregistered number …).
    /// </summary>
    internal static ErrorKind Classify(long code) => code switch
    {
        4 or 80007 or 130429 => ErrorKind.Throttled,
        131048 or 131056 => ErrorKind.Deferred,
        >= 0 and <= 3 or 10 or 190 or >= 200 and <= 299 or 368 or 131000 or 131005 or 131016 or 131031 or 131042 or 131045 => ErrorKind.Unavailable,
        _ => ErrorKind.Refused,
    };

    private static SubmitResult Read(ProviderAnswer answer)
    {
        var json = answer.Json();
        if (json?.NodeOf("error") is { } error && error.NumberOf("code") is { } code)
            return Refusal(answer, error, code);
        if (answer.Code == 429)
            throw new ProviderThrottledException($"WhatsApp asked us to slow down ({answer.Short}).", answer.RetryAfter ?? TimeSpan.FromSeconds(1));
        if (answer.Code >= 500)
            throw ProviderHttp.ServerError("WhatsApp", answer.Code, answer.Short);
        if (answer.Code is 401 or 403)
            throw new ProviderUnavailableException($"WhatsApp refused the request ({answer.Code} {answer.Short}): check Channels:WhatsApp:AccessToken.");
        if (answer.Code == 200 && json?.NodeOf("messages") is { ValueKind: JsonValueKind.Array } messages && messages.GetArrayLength() > 0
            && messages[0].TextOf("id") is { Length: > 0 } id)
            return new SubmitResult(SubmitOutcome.Accepted, id);
        if (answer.Code is >= 400 and < 500)
            return new SubmitResult(SubmitOutcome.Failed, ErrorCode: $"http_{answer.Code}", ErrorDetail: $"WhatsApp refused the message: {answer.Code} {answer.Short}");
        throw new InvalidOperationException($"WhatsApp answered {answer.Code} {answer.Short}; the message may have been taken.");
    }

    private static SubmitResult Refusal(ProviderAnswer answer, JsonElement error, long code)
    {
        var text = error.TextOf("message") ?? "no reason given";
        if (error.NodeOf("error_data")?.TextOf("details") is { Length: > 0 } details && details != text)
            text += ": " + details;
        text = text.Length <= 300 ? text : text[..300] + "…";
        var codeText = code.ToString(CultureInfo.InvariantCulture);
        switch (Classify(code))
        {
            case ErrorKind.Throttled:
                throw new ProviderThrottledException($"WhatsApp asked us to slow down ({codeText} {text}).", answer.RetryAfter ?? TimeSpan.FromSeconds(1));
            case ErrorKind.Deferred:
                // The spam limit lasts while the number's quality is low: a few seconds' wait would only meet it again.
                return new SubmitResult(SubmitOutcome.Deferred, ErrorCode: codeText, ErrorDetail: $"WhatsApp will take this message later ({codeText} {text}).",
                    RetryAfter: answer.RetryAfter ?? TimeSpan.FromSeconds(code == 131048 ? 60 : 6));
            case ErrorKind.Unavailable:
                throw new ProviderUnavailableException(code == 190
                    ? $"WhatsApp refused the access token ({codeText} {text}): put a valid system user token in Channels:WhatsApp:AccessToken."
                    : $"WhatsApp could not take the message ({codeText} {text}).");
            default:
                return new SubmitResult(SubmitOutcome.Failed, ErrorCode: codeText, ErrorDetail: $"WhatsApp refused the message: {text} ({codeText}).");
        }
    }
}
