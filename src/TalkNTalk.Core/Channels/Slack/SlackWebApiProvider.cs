using System.Net.Http.Headers;
using System.Text.Json;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.Slack;

/// <summary>
/// Sends through Slack's Web API as the workspace's bot: <c>POST {BaseUrl}/chat.postMessage</c> with
/// <c>Authorization: Bearer {BotToken}</c>, <c>channel</c> = the member id (Slack writes in the app's conversation with
/// that person) and <c>text</c>. Slack keeps no idempotency key and sends no receipts: its acceptance is the delivery.
/// Slack answers 200 with <c>{"ok": false, "error": "…"}</c> for most errors: a token or workspace problem
/// (<c>invalid_auth</c>, <c>not_authed</c>, <c>account_inactive</c>, <c>token_revoked</c>, <c>missing_scope</c> …):
/// nothing can be sent, the provider is unavailable; <c>ratelimited</c> or HTTP 429 with <c>Retry-After</c>: slow down;
/// <c>internal_error</c>/<c>fatal_error</c> ("some aspect of the operation may have succeeded"): perhaps taken; any
/// other error (<c>channel_not_found</c>, <c>user_not_found</c>, <c>is_archived</c>, <c>msg_too_long</c> …): this
/// message is refused, its error the code. 503 and a refused connection: not taken; another 5xx: perhaps taken (ProviderHttp.ServerError).
/// </summary>
public sealed class SlackWebApiProvider(SlackOptions options, IHttpClientFactory http) : IMessageProvider
{
    /// <summary>The named HttpClient: never retried (a retry could post twice), never logged.</summary>
    public const string HttpClientName = "slack";

    private const string Name = "Slack";

    // The token or the workspace cannot send anything: no message is to blame.
    private static readonly HashSet<string> CredentialErrors =
    [
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission", "missing_scope",
        "not_allowed_token_type", "team_access_not_granted", "ekm_access_denied", "org_login_required", "accesslimited",
    ];

    public bool DeduplicatesByMessageId => false;

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.BotToken))
            throw new ProviderUnavailableException("Slack's bot token is not set: put the workspace bot's xoxb- token in Channels:Slack:BotToken.");
        using var message = new HttpRequestMessage(HttpMethod.Post, options.BaseUrl.TrimEnd('/') + "/chat.postMessage")
        {
            Content = ProviderHttp.JsonBody(new { channel = request.Address, text = Escape(request.Body) }),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.BotToken);
        var answer = await ProviderHttp.ExchangeAsync(http.CreateClient(HttpClientName), message, Name, options.BaseUrl, options.TimeoutSeconds, ct);
        return Read(answer, request);
    }

    /// <summary>Slack has no account credit.</summary>
    public Task<bool> HasCreditAsync(CancellationToken ct) => Task.FromResult(true);

    /// <summary>
    /// Slack reads <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> in text as its own markup (links, mentions); a campaign's body
    /// is plain text, so those three are escaped as Slack asks, and nothing else.
    /// </summary>
    internal static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static SubmitResult Read(ProviderAnswer answer, SubmitRequest request)
    {
        if (answer.Code == 429)
            throw new ProviderThrottledException($"Slack asked us to slow down ({answer.Short}).", answer.RetryAfter ?? TimeSpan.FromSeconds(1));
        if (answer.Code >= 500)
            throw ProviderHttp.ServerError("Slack", answer.Code, answer.Short);
        if (answer.Code is 401 or 403 or 404)
            throw new ProviderUnavailableException($"Slack refused the request ({answer.Code} {answer.Short}): check Channels:Slack:BaseUrl and BotToken.");
        if (answer.Code != 200 || answer.Json() is not { } root || !root.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            if (answer.Code is >= 400 and < 500)
                return new SubmitResult(SubmitOutcome.Failed, ErrorCode: $"http_{answer.Code}", ErrorDetail: $"Slack refused the message: {answer.Code} {answer.Short}");
            throw new InvalidOperationException($"Slack answered {answer.Code} {answer.Short}; the message may have been taken.");
        }
        if (ok.ValueKind == JsonValueKind.True)
        {
            // A message is named by its conversation and its ts; the conversation is the app's DM with the member.
            var channel = root.TextOf("channel") ?? request.Address;
            return new SubmitResult(SubmitOutcome.Accepted, root.TextOf("ts") is { } ts ? $"{channel}:{ts}" : null);
        }
        var error = root.TextOf("error") ?? "unknown_error";
        if (CredentialErrors.Contains(error))
            throw new ProviderUnavailableException($"Slack refused the bot token ({error}): check Channels:Slack:BotToken and the app's chat:write scope.");
        return error switch
        {
            "ratelimited" or "rate_limited" => throw new ProviderThrottledException($"Slack asked us to slow down ({error}).", answer.RetryAfter ?? TimeSpan.FromSeconds(1)),
            "service_unavailable" or "request_timeout" => throw new ProviderUnavailableException($"Slack could not take the message ({error})."),
            "internal_error" or "fatal_error" => throw new InvalidOperationException($"Slack answered {error}; the message may have been posted."),
            _ => new SubmitResult(SubmitOutcome.Failed, ErrorCode: error, ErrorDetail: $"Slack refused the message: {error.Replace('_', ' ')}."),
        };
    }
}
