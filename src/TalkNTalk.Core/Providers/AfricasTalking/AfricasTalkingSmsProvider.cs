using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TalkNTalk.Core.Providers.AfricasTalking;

/// <summary>
/// Sends through Africa's Talking's messaging API (<c>POST {BaseUrl}/version1/messaging</c>, form-encoded, header
/// <c>apiKey</c>), one recipient a request so each message gets its own answer. AT keeps no idempotency key, so the
/// provider declares itself non-de-duplicating and the dispatcher's at-most-once path applies.
/// Answers: 201 with a recipient whose <c>statusCode</c> is 100 Processed, 101 Sent or 102 Queued: taken, named by its
/// <c>messageId</c> (the delivery report carries it). 405 InsufficientBalance: no credit (held). 401–409 otherwise: this
/// message is refused. A recipient 5xx (AT's own failure): not sent, tried again later. HTTP 401/403: a wrong username or
/// API key, nothing sent. HTTP 429: slow down. HTTP 5xx and a refused connection: not taken. A timeout or an answer
/// that cannot be read: perhaps taken.
/// </summary>
public sealed class AfricasTalkingSmsProvider(AfricasTalkingOptions options, IHttpClientFactory http, ILogger<AfricasTalkingSmsProvider> logger) : IMessageProvider
{
    /// <summary>The named HttpClient (no retries: a retry could send an SMS twice).</summary>
    public const string HttpClientName = "africastalking";

    public bool DeduplicatesByMessageId => false;

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        var form = new Dictionary<string, string>
        {
            ["username"] = options.Username,
            ["to"] = request.Address.StartsWith('+') ? request.Address : "+" + request.Address,
            ["message"] = request.Body,
            ["from"] = request.SenderId,
            ["bulkSMSMode"] = "1",
        };
        if (options.Enqueue)
            form["enqueue"] = "1";
        using var message = new HttpRequestMessage(HttpMethod.Post, Url("/version1/messaging")) { Content = new FormUrlEncodedContent(form) };
        var (status, body, retryAfter) = await SendAsync(message, ct);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new ProviderUnavailableException($"Africa's Talking refused the username or API key ({(int)status} {Short(body)}). Check Admin › SMS gateway.");
        if (status == HttpStatusCode.TooManyRequests)
            throw new ProviderThrottledException($"Africa's Talking asked us to slow down ({Short(body)}).", retryAfter ?? TimeSpan.FromSeconds(1));
        if ((int)status >= 500)
            throw new ProviderUnavailableException($"Africa's Talking could not take the message ({(int)status} {Short(body)}).");
        if ((int)status is < 200 or >= 300)
        {
            // A 400 names a request AT will not take as it is (a bad sender id or number): this message is refused.
            if ((int)status is >= 400 and < 500)
                return new SubmitResult(SubmitOutcome.Failed, ErrorCode: "gateway_rejected", ErrorDetail: $"Africa's Talking refused the message: {(int)status} {Short(body)}");
            throw new InvalidOperationException($"Africa's Talking answered {(int)status} {Short(body)}; the message may have been taken.");
        }
        return Read(body);
    }

    /// <summary>True when the account's balance (<c>UserData.balance</c>, e.g. <c>KES 1234.50</c>) is above zero; false on any error.</summary>
    public async Task<bool> HasCreditAsync(CancellationToken ct)
    {
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, Url("/version1/user?username=" + Uri.EscapeDataString(options.Username)));
            var (status, body, _) = await SendAsync(message, ct);
            if (status != HttpStatusCode.OK)
                return false;
            using var json = JsonDocument.Parse(body);
            var balance = json.RootElement.GetProperty("UserData").GetProperty("balance").GetString();
            return Amount(balance) > 0;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Africa's Talking's balance could not be read");
            return false;
        }
    }

    private SubmitResult Read(string body)
    {
        JsonElement data;
        try
        {
            data = JsonDocument.Parse(body).RootElement.GetProperty("SMSMessageData");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Africa's Talking's answer could not be read ({Short(body)}); the message may have been taken.", e);
        }
        var summary = data.TryGetProperty("Message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "";
        if (!data.TryGetProperty("Recipients", out var recipients) || recipients.ValueKind != JsonValueKind.Array || recipients.GetArrayLength() == 0)
        {
            // No recipient: AT refused the whole request, its reason in Message (e.g. "InvalidSenderId").
            return new SubmitResult(SubmitOutcome.Failed, ErrorCode: AfricasTalkingReports.SnakeCase(summary) ?? "gateway_rejected",
                ErrorDetail: $"Africa's Talking sent nothing: {(summary.Length > 0 ? summary : "no recipient in its answer")}");
        }
        var recipient = recipients[0];
        var code = recipient.TryGetProperty("statusCode", out var c) && c.TryGetInt32(out var n) ? n : 0;
        var statusText = recipient.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
        switch (code)
        {
            case 100 or 101 or 102:
                var id = recipient.TryGetProperty("messageId", out var i) ? i.GetString() : null;
                if (string.IsNullOrWhiteSpace(id) || id == "None")
                    throw new InvalidOperationException($"Africa's Talking took the message without a messageId ({Short(body)}).");
                return new SubmitResult(SubmitOutcome.Accepted, id);
            case 405:
                return new SubmitResult(SubmitOutcome.NoCredit, ErrorCode: "insufficient_balance", ErrorDetail: "The Africa's Talking account is out of credit.");
            case >= 500:
                throw new ProviderUnavailableException($"Africa's Talking did not send the message ({code} {statusText}).");
            case >= 400:
                return new SubmitResult(SubmitOutcome.Failed, ErrorCode: AfricasTalkingReports.SnakeCase(statusText) ?? $"status_{code}",
                    ErrorDetail: $"Africa's Talking refused the message: {Readable(statusText)} ({code}).");
            default:
                throw new InvalidOperationException($"Africa's Talking answered status {code} {statusText}; the message may have been taken.");
        }
    }

    private async Task<(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)> SendAsync(HttpRequestMessage message, CancellationToken ct)
    {
        message.Headers.TryAddWithoutValidation("apiKey", options.ApiKey);
        message.Headers.Accept.ParseAdd("application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var retryAfter = response.Headers.RetryAfter is { } r ? r.Delta ?? (r.Date - DateTimeOffset.UtcNow) : null;
            return (response.StatusCode, body, retryAfter);
        }
        catch (HttpRequestException e) when (NeverConnected(e))
        {
            throw new ProviderUnavailableException($"Africa's Talking is not reachable at {options.BaseUrl}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Africa's Talking did not answer within {options.TimeoutSeconds} s; the message may have been taken.", e);
        }
    }

    private string Url(string path) => options.BaseUrl.TrimEnd('/') + path;

    /// <summary><c>KES 1234.50</c> → 1234.50; anything unreadable counts as none.</summary>
    private static decimal Amount(string? balance) =>
        decimal.TryParse(balance?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) ? amount : 0;

    /// <summary><c>InvalidPhoneNumber</c> → <c>invalid phone number</c>.</summary>
    private static string Readable(string status) => AfricasTalkingReports.SnakeCase(status)?.Replace('_', ' ') ?? "no reason given";

    private static string Short(string body)
    {
        var trimmed = body.Trim();
        return trimmed.Length <= 200 ? trimmed : trimmed[..200];
    }

    // A refused or unresolvable connection certainly sent nothing; a connection that broke mid-answer may have.
    private static bool NeverConnected(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
        || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NetworkUnreachable };
}
