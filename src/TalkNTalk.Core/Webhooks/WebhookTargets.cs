using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Common;

namespace TalkNTalk.Core.Webhooks;

/// <summary>A delivery was refused because its host is (or resolves to) a loopback, link-local or private address.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);

/// <summary>
/// Keeps webhooks pointed at the outside world: only http(s) URLs, and, unless <see cref="WebhookOptions.AllowPrivateTargets"/>,
/// no loopback, link-local or private-network address, checked when an endpoint is saved and again on every connection
/// (a host's DNS answer can change after it was saved).
/// </summary>
public sealed class WebhookTargets(IOptions<WebhookOptions> options)
{
    private bool AllowPrivate => options.Value.AllowPrivateTargets;

    /// <summary>The URL an admin typed, checked and normalised; a <see cref="DomainException"/> on field <c>url</c> says what is wrong.</summary>
    public async Task<string> ValidateAsync(string? url, CancellationToken ct = default)
    {
        var text = url?.Trim() ?? "";
        if (text.Length == 0)
            throw DomainException.Validation("url", "Enter the URL your system receives events on, e.g. https://example.co.ke/hooks/sms.");
        if (text.Length > WebhookEndpoint.MaxUrlLength)
            throw DomainException.Validation("url", $"Keep the URL to {WebhookEndpoint.MaxUrlLength} characters.");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
            throw DomainException.Validation("url", "Use an http:// or https:// URL.");
        if (uri.UserInfo.Length > 0)
            throw DomainException.Validation("url", "Leave the user name and password out of the URL: check the signature header instead.");
        if (!AllowPrivate)
        {
            IPAddress[] addresses;
            try
            {
                addresses = await ResolveAsync(uri.DnsSafeHost, ct);
            }
            catch (SocketException)
            {
                throw DomainException.Validation("url", $"The host {uri.Host} could not be found.");
            }
            if (addresses.FirstOrDefault(IsPrivate) is { } refused)
                throw DomainException.Validation("url", $"{uri.Host} is a private or local address ({refused}): webhooks go to systems on the internet.");
        }
        return uri.AbsoluteUri;
    }

    /// <summary>
    /// The connection callback of the webhook client: resolves the host, refuses private addresses, connects, and checks
    /// the address actually connected to, so a DNS answer that changes between check and connection cannot slip through.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, ct);
        if (!AllowPrivate && addresses.FirstOrDefault(IsPrivate) is { } refused)
            throw new WebhookTargetRefusedException($"{host} resolves to {refused}, a private or local address.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            if (!AllowPrivate && socket.RemoteEndPoint is IPEndPoint remote && IsPrivate(remote.Address))
                throw new WebhookTargetRefusedException($"{host} connected to {remote.Address}, a private or local address.");
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host, out var literal) ? [literal]
        : host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Loopback]
        : await Dns.GetHostAddressesAsync(host, ct);

    /// <summary>
    /// True for addresses a webhook must not reach: loopback, link-local, private ranges (RFC 1918, carrier-grade NAT,
    /// IPv6 unique local), unspecified, multicast and reserved ones; IPv4 addresses carried in IPv6 are judged as IPv4.
    /// </summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127,        // carrier-grade NAT, 100.64.0.0/10
                169 => b[1] == 254,                     // link-local, cloud metadata services
                172 => b[1] is >= 16 and <= 31,
                192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2),
                198 => b[1] is 18 or 19,                // benchmarking networks
                >= 224 => true,                         // multicast, reserved, broadcast
                _ => false,
            };
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return true;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
            return true;
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            return true;                                // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
        if (b[0] == 0x20 && b[1] == 0x02)
            return IsPrivate(new IPAddress(b.AsSpan(2, 4)));   // 6to4 carries an IPv4 address
        if (b.AsSpan(0, 12).SequenceEqual(Nat64Prefix))
            return IsPrivate(new IPAddress(b.AsSpan(12, 4)));  // so does NAT64
        return false;
    }

    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
}
