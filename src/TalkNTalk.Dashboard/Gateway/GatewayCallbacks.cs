using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Providers.AfricasTalking;
using TalkNTalk.Core.Providers.Kannel;

namespace TalkNTalk.Dashboard.Gateway;

/// <summary>
/// The providers' delivery-report callbacks, outside the API and the pages: no cookie, no key, authenticated by the
/// token in the URL (<see cref="SmsCallbacks"/>) or, for WhatsApp, by Meta's signature of the body. A report is written
/// to the durable inbox before it is answered, so an acknowledged report survives a crash; the dispatcher applies it.
/// Answers are short plain text.
/// </summary>
public static partial class GatewayCallbacks
{
    /// <summary>
    /// The callbacks short-circuit: routing runs them at once, without the middleware after it. Kannel, Africa's
    /// Talking or Meta reads them, never a browser, so nothing the pages need applies (sign-in cookies, first-run set-up, the
    /// browser security headers and colour-scheme hints, error pages); the answers carry <c>nosniff</c> alone (Kannel at
    /// debug level writes out every header of every answer it gets). A gateway sends a report for every message, so
    /// the dozen middleware a page passes through were a large part of the app's work a message. A path under
    /// <c>/callbacks</c> that is no callback goes on through the pipeline to the not-found page. Routing refuses to
    /// short-circuit an endpoint that asks for authorization or CORS, so the group must never get either.
    /// </summary>
    public static void MapGatewayCallbacks(this IEndpointRouteBuilder app)
    {
        var callbacks = app.MapGroup(SmsCallbacks.PathPrefix);
        callbacks.AllowAnonymous().DisableAntiforgery().ShortCircuit();
        callbacks.MapMethods("/kannel/{id}/{token}", ["GET", "POST"], KannelAsync);
        callbacks.MapPost("/africastalking/{token}", AfricasTalkingAsync);
        callbacks.MapGet("/whatsapp", WhatsAppSubscription);
        callbacks.MapPost("/whatsapp", WhatsAppStatusesAsync);
    }

    // Every answer of a callback: plain text with nosniff (the security headers' middleware does not run for them).
    private static IResult Answer(HttpRequest request, string text, int statusCode = StatusCodes.Status200OK)
    {
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Text(text, statusCode: statusCode);
    }

    // A report is answered OK only once the inbox has it. One it could not keep (the app is stopping, the database
    // failed) is 503, so the gateway sends it again; no exception handler runs for a short-circuited endpoint.
    private static async Task<IResult> KeepAsync(HttpRequest request, IDeliveryReceiptSink inbox, DeliveryReceipt receipt, ILogger log, CancellationToken ct) =>
        await KeepAsync(request, inbox, [receipt], log, ct);

    private static async Task<IResult> KeepAsync(HttpRequest request, IDeliveryReceiptSink inbox, IReadOnlyList<DeliveryReceipt> receipts, ILogger log, CancellationToken ct)
    {
        try
        {
            await inbox.PostAsync(receipts, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(e, "A delivery report could not be kept; the gateway is asked to send it again");
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return Answer(request, "The report could not be kept; send it again.\n", StatusCodes.Status503ServiceUnavailable);
        }
        return Answer(request, "OK\n");
    }

    /// <summary>
    /// Africa's Talking's delivery-report callback (one URL for every message, set in its dashboard): a wrong token is
    /// 403, a report without id or status 400, an intermediate one (Sent, Submitted, Buffered) 200 and ignored, a final
    /// one 200 once it is in the inbox. An id we do not know is taken too (AT retries anything not answered 200, for
    /// ever); the inbox drops it after its retries. The same report twice finds its message settled and changes nothing.
    /// </summary>
    private static async Task<IResult> AfricasTalkingAsync(string token, HttpRequest request, SmsCallbacks links,
        IDeliveryReceiptSink inbox, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(GatewayCallbacks));
        if (!links.Verify(SmsCallbacks.AfricasTalkingPurpose, token))
        {
            log.LogWarning("An Africa's Talking delivery report with a wrong token was refused (from {Address})",
                request.HttpContext.Connection.RemoteIpAddress);
            return Answer(request, "Wrong callback token.\n", StatusCodes.Status403Forbidden);
        }
        if (!request.HasFormContentType)
            return Answer(request, "Expected a form-encoded report.\n", StatusCodes.Status400BadRequest);
        var form = await request.ReadFormAsync(ct);
        DeliveryReceipt? receipt;
        try
        {
            receipt = AfricasTalkingReports.Read(form["id"], form["status"], form["networkCode"], form["failureReason"], clock.GetUtcNow().UtcDateTime);
        }
        catch (FormatException e)
        {
            return Answer(request, e.Message + "\n", StatusCodes.Status400BadRequest);
        }
        if (receipt is null)
            return Answer(request, "Ignored: not a final report.\n");
        return await KeepAsync(request, inbox, receipt, log, ct);
    }

    /// <summary>
    /// Kannel's <c>dlr-url</c>: a wrong token is 403, a malformed report 400, an intermediate report (queued, accepted
    /// by the SMSC) 200 and ignored, a final one 200 once it is in the inbox. The same report twice finds its message
    /// settled and changes nothing. Only this app can make a valid token, so a message id is not looked up here (that
    /// read cost more than the rest of the callback); a valid token for a message that is gone is answered 200 (smsbox
    /// would otherwise retry) and dropped by the applier after its retries.
    /// </summary>
    private static async Task<IResult> KannelAsync(string id, string token, HttpRequest request, SmsCallbacks links,
        IDeliveryReceiptSink inbox, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(GatewayCallbacks));
        if (!Guid.TryParseExact(id, "N", out var messageId) || !links.Verify(SmsCallbacks.KannelPurpose(messageId), token))
        {
            log.LogWarning("A Kannel delivery report with a wrong token was refused (from {Address})", request.HttpContext.Connection.RemoteIpAddress);
            return Answer(request, "Wrong callback token.\n", StatusCodes.Status403Forbidden);
        }
        KannelReport? report;
        try
        {
            report = KannelReports.Read(request.Query["type"], request.Query["at"], request.Query["answer"], clock.GetUtcNow().UtcDateTime);
        }
        catch (FormatException e)
        {
            return Answer(request, e.Message + "\n", StatusCodes.Status400BadRequest);
        }
        if (report is null)
            return Answer(request, "Ignored: not a final report.\n");
        return await KeepAsync(request, inbox, new DeliveryReceipt(null, report.Delivered, report.ErrorCode, report.At, messageId), log, ct);
    }

    /// <summary>
    /// Without <c>Sms:CallbackBaseUrl</c>, providers call back at the address the app listens on: the first of
    /// <c>--urls</c> while the host starts (so the first messages carry it), then the address Kestrel really bound.
    /// A wildcard host becomes loopback, which is right when the gateway runs on the same machine. Links the app sends
    /// out (<see cref="PublicLinks"/>) fall back the same way without <c>App:PublicBaseUrl</c>.
    /// </summary>
    public static void UseListeningAddressForCallbacks(this WebApplication app)
    {
        var links = app.Services.GetRequiredService<SmsCallbacks>();
        var publicLinks = app.Services.GetRequiredService<PublicLinks>();
        var targets = new List<Action<string>>();
        if (links.BaseUrlUnset)
            targets.Add(address => links.BaseUrl = address);
        if (publicLinks.BaseUrlUnset)
            targets.Add(address => publicLinks.BaseUrl = address);
        if (targets.Count == 0)
            return;
        if (Loopback(app.Configuration["urls"]?.Split(';').FirstOrDefault()) is { } configured)
            targets.ForEach(set => set(configured));
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses?.Select(Loopback).FirstOrDefault(a => a is not null) is { } bound)
                targets.ForEach(set => set(bound));
        });
    }

    private static string? Loopback(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
            return null;
        address = address.Trim().Replace("://+:", "://127.0.0.1:").Replace("://*:", "://127.0.0.1:").Replace("://0.0.0.0:", "://127.0.0.1:").Replace("://[::]:", "://127.0.0.1:");
        return Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Port != 0 ? uri.GetLeftPart(UriPartial.Authority) : null;
    }
}
