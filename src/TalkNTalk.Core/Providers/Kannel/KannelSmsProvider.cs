using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Providers.Kannel;

/// <summary>
/// Sends through a Kannel smsbox's HTTP <c>sendsms</c> interface. Kannel keeps no idempotency key, so it declares
/// itself non-de-duplicating and the dispatcher's at-most-once path applies: a message whose answer was lost is
/// never handed over again; its delivery report (the <c>dlr-url</c> carries our message id) settles it.
/// Answers (Kannel 1.4.5): 202 <c>0: Accepted for delivery</c> or <c>3: Queued for later delivery</c> (the SMSC link is
/// down; bearerbox keeps it): taken. 403 <c>Authorization failed for sendsms</c>: a wrong username or password, so
/// nothing is sent and the gateway counts as failing (the page shows it). Other 4xx (<c>Not routable</c>, a missing or
/// refused number): this message is refused. 503 <c>Temporal failure</c> (bearerbox's queue is full) and a refused
/// connection (bearerbox down takes smsbox with it): not taken. Kannel splits long text itself, so its sendsms-user
/// needs <c>concatenation = true</c> and <c>max-messages</c> of at least 10, or it cuts the text short.
/// </summary>
public sealed class KannelSmsProvider(KannelOptions options, SmsCallbacks callbacks, IHttpClientFactory http, ILogger<KannelSmsProvider> logger) : IMessageProvider
{
    /// <summary>The named HttpClient (no retries: a retry could send an SMS twice).</summary>
    public const string HttpClientName = "kannel";

    /// <summary>Delivered to the phone (1), not delivered to the phone (2), rejected by the SMSC (16).</summary>
    public const int DlrMask = 1 | 2 | 16;

    public bool DeduplicatesByMessageId => false;

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        var url = QueryHelpers.AddQueryString(options.SendSmsUrl, Parameters(request));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)));
        HttpResponseMessage response;
        try
        {
            response = await http.CreateClient(HttpClientName).GetAsync(url, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (HttpRequestException e) when (NeverConnected(e))
        {
            throw new ProviderUnavailableException($"Kannel is not reachable at {Origin()}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Kannel did not answer within {options.TimeoutSeconds} s; the message may have been taken.", e);
        }
        using (response)
        {
            var body = (await response.Content.ReadAsStringAsync(CancellationToken.None)).Trim();
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.Accepted || (status is >= 200 and < 300 && (body.StartsWith("0:", StringComparison.Ordinal) || body.StartsWith("3:", StringComparison.Ordinal))))
                return new SubmitResult(SubmitOutcome.Accepted);
            if (response.StatusCode == HttpStatusCode.Forbidden && body.StartsWith("Authorization", StringComparison.OrdinalIgnoreCase))
                throw new ProviderUnavailableException($"Kannel refused the sendsms username or password ({status} {body}). Check Admin › SMS gateway.");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new ProviderThrottledException($"Kannel asked us to slow down ({status} {body}).", response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            if (status is >= 400 and < 500)
                return new SubmitResult(SubmitOutcome.Failed, ErrorCode: "gateway_rejected", ErrorDetail: $"Kannel refused the message: {status} {body}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                throw new ProviderUnavailableException($"Kannel could not take the message ({status} {body}).");
            logger.LogWarning("Kannel answered {Status} {Body}: the message's outcome is unknown", status, body);
            throw new InvalidOperationException($"Kannel answered {status} {body}; the message may have been taken.");
        }
    }

    /// <summary>Kannel has no account credit of its own.</summary>
    public Task<bool> HasCreditAsync(CancellationToken ct) => Task.FromResult(true);

    private Dictionary<string, string?> Parameters(SubmitRequest request)
    {
        var ucs2 = SmsText.Analyse(request.Body).Encoding == SmsEncoding.Ucs2;
        var parameters = new Dictionary<string, string?>
        {
            ["username"] = options.Username,
            ["password"] = options.Password,
            ["from"] = request.SenderId,
            ["to"] = request.Address,
            ["text"] = request.Body,
            // Kannel reads the text as UTF-8 and, with coding 2, sends it as UCS-2; GSM text goes without a coding.
            ["charset"] = "UTF-8",
            ["dlr-mask"] = DlrMask.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["dlr-url"] = KannelReports.UrlFor(callbacks, request.MessageId),
        };
        if (ucs2)
            parameters["coding"] = "2";
        var smsc = options.SmscByNetwork.TryGetValue(KenyanNetworks.Detect(request.Address).ToString(), out var routed) ? routed : options.Smsc;
        if (!string.IsNullOrWhiteSpace(smsc))
            parameters["smsc"] = smsc;
        return parameters;
    }

    private string Origin() => Uri.TryCreate(options.SendSmsUrl, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : options.SendSmsUrl;

    // A refused or unresolvable connection certainly sent nothing; a connection that broke mid-answer may have.
    private static bool NeverConnected(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
        || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NetworkUnreachable };
}
