using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TalkNTalk.Dashboard.Account;

/// <summary>Settings (section <c>SignIn</c>): how many sign-in attempts one client address may make per window.</summary>
public sealed class SignInRateLimitOptions
{
    public int AttemptsPerAddress { get; set; } = 10;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The sign-in form's own limit per client address (only this form: the /v1 API has its own limits), so nobody can
/// spray passwords or lock admins out from one machine. IPv6 clients count per /64, the block one household or office
/// gets. The client address is the real client's when <see cref="ProxySettings"/> trusts the proxy in front.
/// </summary>
public sealed class SignInRateLimit(IOptions<SignInRateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.AttemptsPerAddress,
            Window = options.Value.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Counts one attempt from the request's client; false (with when to try again) once the address is over its limit.</summary>
    public bool TryAttempt(HttpContext context, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(PartitionOf(context.Connection.RemoteIpAddress));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Value.Window;
        return lease.IsAcquired;
    }

    public static string PartitionOf(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose() => _limiter.Dispose();
}
