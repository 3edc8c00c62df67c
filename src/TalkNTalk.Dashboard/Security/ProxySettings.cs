using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TalkNTalk.Dashboard.Security;

/// <summary>
/// Settings (section <c>ReverseProxy</c>) for running behind a proxy that terminates TLS: with <see cref="Enabled"/>,
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c> from the listed proxies (and loopback) are believed, so the app
/// knows the request came over HTTPS (Secure cookies, HSTS) and which client sent it (sign-in limits, session list).
/// Headers from any other address are ignored: a client cannot claim to be someone else.
/// </summary>
public sealed class ProxySettings
{
    public const string Section = "ReverseProxy";

    public bool Enabled { get; set; }

    /// <summary>Addresses of the proxies, e.g. <c>["10.0.0.5"]</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies live in, e.g. <c>["10.0.0.0/24"]</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>The forwarded-headers options these settings stand for (loopback is always trusted, as ASP.NET Core does).</summary>
    public void Apply(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var proxy in KnownProxies)
            options.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
        foreach (var network in KnownNetworks)
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
    }
}
