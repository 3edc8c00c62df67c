using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Common;

namespace TalkNTalk.Core.Webhooks;

/// <summary>A delivery was refused because its host is (or resolves to) a loopback, private or other special-purpose address.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);

/// <summary>
/// Keeps webhooks pointed at the outside world: only http(s) URLs, and, unless <see cref="WebhookOptions.AllowPrivateTargets"/>,
/// no loopback, private or other special-purpose address (<see cref="IsPrivate"/>), checked when an endpoint is saved and again on every connection
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
    /// True for addresses a webhook must not reach: any range of the IANA IPv4 and IPv6 Special-Purpose Address
    /// Registries, multicast and the rest of the non-unicast space (<see cref="SpecialPurpose"/>). IPv6 forms that
    /// carry an IPv4 address (mapped, translated, compatible, NAT64) are judged by that IPv4 address.
    /// </summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return true;
        // An IPv4-mapped address is judged as the IPv4 address it is, before any IPv6 prefix is compared.
        if (address.IsIPv4MappedToIPv6)
            return IsPrivate(address.MapToIPv4());
        // The longest matching prefix decides, so ::1/128 wins over the IPv4-compatible ::/96 around it.
        SpecialRange? match = null;
        foreach (var range in SpecialPurpose)
            if (range.Network.Contains(address) && (match is null || range.Network.PrefixLength > match.Network.PrefixLength))
                match = range;
        if (match is null)
            return false;
        if (!match.CarriesIPv4)
            return true;
        var bytes = address.GetAddressBytes();
        return IsPrivate(new IPAddress(bytes.AsSpan(12, 4)));
    }

    /// <summary>A special-purpose range; <see cref="CarriesIPv4"/> when its last 32 bits are an IPv4 address to judge instead.</summary>
    private sealed record SpecialRange(IPNetwork Network, bool CarriesIPv4 = false);

    private static SpecialRange Range(string cidr, bool carriesIPv4 = false) => new(IPNetwork.Parse(cidr), carriesIPv4);

    /// <summary>
    /// The one table of refused ranges: every entry of the IANA IPv4 Special-Purpose Address Registry and the IPv6
    /// Special-Purpose Address Registry (globally reachable or not: a webhook has no business with anycast relays,
    /// documentation or benchmarking space either), plus multicast and reserved space that those registries leave to
    /// others. Each entry names its RFC.
    /// </summary>
    private static readonly SpecialRange[] SpecialPurpose =
    [
        // IPv4 Special-Purpose Address Registry
        Range("0.0.0.0/8"),            // "This network", RFC 791 §3.2 (0.0.0.0/32 "this host", RFC 1122 §3.2.1.3)
        Range("10.0.0.0/8"),           // Private-Use, RFC 1918
        Range("100.64.0.0/10"),        // Shared Address Space (carrier-grade NAT), RFC 6598
        Range("127.0.0.0/8"),          // Loopback, RFC 1122 §3.2.1.3
        Range("169.254.0.0/16"),       // Link Local (cloud metadata services), RFC 3927
        Range("172.16.0.0/12"),        // Private-Use, RFC 1918
        Range("192.0.0.0/24"),         // IETF Protocol Assignments, RFC 6890 §2.1 (DS-Lite RFC 7335, PCP anycast RFC 7723,
                                       // TURN anycast RFC 8155, NAT64/DNS64 discovery RFC 8880)
        Range("192.0.2.0/24"),         // Documentation (TEST-NET-1), RFC 5737
        Range("192.31.196.0/24"),      // AS112-v4, RFC 7535
        Range("192.52.193.0/24"),      // AMT, RFC 7450
        Range("192.88.99.0/24"),       // Deprecated 6to4 Relay Anycast, RFC 7526
        Range("192.168.0.0/16"),       // Private-Use, RFC 1918
        Range("192.175.48.0/24"),      // Direct Delegation AS112 Service, RFC 7534
        Range("198.18.0.0/15"),        // Benchmarking, RFC 2544
        Range("198.51.100.0/24"),      // Documentation (TEST-NET-2), RFC 5737
        Range("203.0.113.0/24"),       // Documentation (TEST-NET-3), RFC 5737
        Range("240.0.0.0/4"),          // Reserved, RFC 1112 §4 (255.255.255.255/32 Limited Broadcast, RFC 8190 / RFC 919 §7)
        // IPv4 beyond that registry
        Range("224.0.0.0/4"),          // Multicast, RFC 5771

        // IPv6 Special-Purpose Address Registry
        Range("::/128"),               // Unspecified Address, RFC 4291
        Range("::1/128"),              // Loopback Address, RFC 4291
        Range("::ffff:0:0/96", true),  // IPv4-mapped Address, RFC 4291 §2.5.5.2: judged as the IPv4 address
        Range("64:ff9b::/96", true),   // IPv4-IPv6 Translation (NAT64), RFC 6052: a DNS64 network reaches every IPv4
                                       // host this way, so the IPv4 address inside decides
        Range("64:ff9b:1::/48"),       // Local-use IPv4/IPv6 Translation, RFC 8215
        Range("100::/64"),             // Discard-Only Address Block, RFC 6666
        Range("100:0:0:1::/64"),       // Dummy IPv6 Prefix, RFC 9780
        Range("2001::/23"),            // IETF Protocol Assignments, RFC 2928 (TEREDO 2001::/32 RFC 4380, benchmarking
                                       // 2001:2::/48 RFC 5180, AMT 2001:3::/32 RFC 7450, AS112-v6 2001:4:112::/48
                                       // RFC 7535, ORCHIDv2 2001:20::/28 RFC 7343, Drone Remote ID 2001:30::/28 RFC 9374)
        Range("2001:db8::/32"),        // Documentation, RFC 3849
        Range("2002::/16"),            // 6to4, RFC 3056 (its anycast relays are deprecated, RFC 7526)
        Range("2620:4f:8000::/48"),    // Direct Delegation AS112 Service, RFC 7534
        Range("3fff::/20"),            // Documentation, RFC 9637
        Range("5f00::/16"),            // Segment Routing (SRv6) SIDs, RFC 9602
        Range("fc00::/7"),             // Unique-Local, RFC 4193
        Range("fe80::/10"),            // Link-Local Unicast, RFC 4291
        // IPv6 beyond that registry
        Range("::/96", true),          // IPv4-compatible, deprecated, RFC 4291 §2.5.5.1: judged as the IPv4 address
        Range("::ffff:0:0:0/96", true),// IPv4-translated (SIIT), RFC 2765 §2.1: judged as the IPv4 address
        Range("fec0::/10"),            // Site-local, deprecated, RFC 3879
        Range("ff00::/8"),             // Multicast, RFC 4291 §2.7
        Range("::/3"),                 // Everything outside global unicast 2000::/3 is reserved by the IETF or not
        Range("4000::/2"),             // unicast (IANA IPv6 Address Space, RFC 4291 §2.4); the longer prefixes
        Range("8000::/1"),             // above still decide for the addresses they cover
    ];
}
