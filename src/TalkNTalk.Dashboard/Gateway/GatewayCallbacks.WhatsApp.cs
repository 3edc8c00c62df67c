using Microsoft.Extensions.Options;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Dashboard.Gateway;

/// <summary>The WhatsApp Cloud API's webhook (<c>/callbacks/whatsapp</c>), entered in the Meta app's WhatsApp › Configuration.</summary>
public static partial class GatewayCallbacks
{
    /// <summary>A notification is a few kilobytes; anything far larger is no notification.</summary>
    private const int MaxWhatsAppBody = 1 << 20;

    /// <summary>
    /// Meta's subscription handshake: <c>hub.mode=subscribe</c> with our <c>Channels:WhatsApp:VerifyToken</c> is answered
    /// with <c>hub.challenge</c>; anything else (or no verify token configured) is 403.
    /// </summary>
    private static IResult WhatsAppSubscription(HttpRequest request, IOptions<ChannelsOptions> options)
    {
        var query = request.Query;
        if (!WhatsAppStatusWebhook.IsSubscription(query["hub.mode"], query["hub.verify_token"], options.Value.WhatsApp.VerifyToken))
            return Answer(request, "Wrong verify token.\n", StatusCodes.Status403Forbidden);
        return Answer(request, query["hub.challenge"].ToString());
    }

    /// <summary>
    /// Meta's notifications, signed with the app's secret (<c>X-Hub-Signature-256</c> over the raw body): a missing or
    /// wrong signature is 403, a body that is no notification 400, and one with statuses 200 once its final statuses
    /// (delivered, read, failed) are in the inbox. Meta sends again whatever is not answered 200, and the same status
    /// twice finds its message settled and changes nothing.
    /// </summary>
    private static async Task<IResult> WhatsAppStatusesAsync(HttpRequest request, IOptions<ChannelsOptions> options, IDeliveryReceiptSink inbox,
        TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(GatewayCallbacks));
        var body = await ReadBodyAsync(request, MaxWhatsAppBody, ct);
        if (body is null)
            return Answer(request, "The notification is too large.\n", StatusCodes.Status413PayloadTooLarge);
        if (!WhatsAppStatusWebhook.SignatureMatches(body, request.Headers[WhatsAppStatusWebhook.SignatureHeader], options.Value.WhatsApp.AppSecret))
        {
            log.LogWarning("A WhatsApp notification with a missing or wrong signature was refused (from {Address})", request.HttpContext.Connection.RemoteIpAddress);
            return Answer(request, "Wrong signature.\n", StatusCodes.Status403Forbidden);
        }
        IReadOnlyList<DeliveryReceipt> receipts;
        try
        {
            receipts = WhatsAppStatusWebhook.Read(body, clock.GetUtcNow().UtcDateTime);
        }
        catch (FormatException e)
        {
            return Answer(request, e.Message + "\n", StatusCodes.Status400BadRequest);
        }
        if (receipts.Count == 0)
            return Answer(request, "Ignored: no final status.\n");
        return await KeepAsync(request, inbox, receipts, log, ct);
    }

    // The raw bytes, as the signature covers them; null past the limit.
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
