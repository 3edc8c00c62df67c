using System.Security.Cryptography;
namespace TalkNTalk.Dashboard.Security;

/// <summary>
/// The headers every answer carries. The Content-Security-Policy allows scripts only from this origin plus the one
/// inline script Blazor writes (the import map), by a fresh nonce per response; styles also inline, since MudBlazor
/// sets <c>style</c> attributes and its theme provider writes a <c>&lt;style&gt;</c> element. The circuit's WebSocket
/// is same-origin (<c>connect-src 'self'</c>). Nothing may frame the dashboard, and forms post only to it.
/// The gateways' callbacks short-circuit before this middleware (<see cref="Gateway.GatewayCallbacks"/>).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    private const string NonceItem = "talkntalk:csp-nonce";

    public static string Policy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    public const string PermissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    /// <summary>The nonce of this response's policy, for the inline scripts the page itself writes.</summary>
    public static string NonceOf(HttpContext context)
    {
        if (context.Items[NonceItem] is string nonce)
            return nonce;
        // base64url: no '+' or '/', which HTML attribute encoding would turn into entities.
        nonce = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        context.Items[NonceItem] = nonce;
        return nonce;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // Set as the response starts, so error pages (whose handler clears the headers first) carry them too.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = Policy(NonceOf(http));
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
