using System.Net;
using System.Text.RegularExpressions;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Security;

/// <summary>The headers every answer carries, HSTS and Secure cookies over HTTPS, and the trusted-proxy setting.</summary>
public sealed partial class SecurityHeadersTests
{
    [Theory]
    [InlineData("/account/login")]
    [InlineData("/healthz")]
    [InlineData("/css/app.css")]
    [InlineData("/no-such-page")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var app = new TestApp();

        var response = await app.Browser().GetAsync(path);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Matches("^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9_-]{24}'; style-src 'self' 'unsafe-inline'; .*frame-ancestors 'none'$",
            Header(response, "Content-Security-Policy"));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task The_import_map_carries_this_responses_nonce_and_no_other_inline_script_exists()
    {
        using var app = new TestApp();

        var response = await app.Browser().GetAsync("/account/login");
        var html = await response.Content.ReadAsStringAsync();
        var nonce = NoncePattern().Match(Header(response, "Content-Security-Policy")).Groups[1].Value;

        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\">", html);
        var inline = InlineScriptPattern().Matches(html).Select(m => m.Value).ToList();
        Assert.All(inline, script => Assert.Contains($"nonce=\"{nonce}\"", script));
        var second = await app.Browser().GetAsync("/account/login");
        Assert.NotEqual(nonce, NoncePattern().Match(Header(second, "Content-Security-Policy")).Groups[1].Value);
    }

    [Fact]
    public async Task Over_https_the_answer_has_hsts_and_the_sign_in_cookie_is_secure()
    {
        using var app = new TestApp();
        var browser = app.CreateClient(new() { BaseAddress = new Uri("https://dashboard.example/"), AllowAutoRedirect = false });

        var page = await browser.GetAsync("/account/login");
        var signedIn = await TestApp.SignInAsync(browser, TestApp.AdminEmail, TestApp.AdminPassword);

        Assert.StartsWith("max-age=", Header(page, "Strict-Transport-Security"));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("TalkNTalk.Auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_its_forwarded_scheme_and_client_count_and_anyone_elses_do_not()
    {
        using var app = new TestApp(settings: new Dictionary<string, string>
        {
            ["ReverseProxy:Enabled"] = "true",
            ["ReverseProxy:KnownProxies:0"] = "10.0.0.5",
        });
        var viaProxy = Forwarded(app, "http://dashboard.example/", from: "10.0.0.5");
        var spoofer = Forwarded(app, "http://dashboard.example/", from: "10.9.9.9");

        var proxied = await viaProxy.GetAsync("/account/login");
        var spoofed = await spoofer.GetAsync("/account/login");

        Assert.StartsWith("max-age=", Header(proxied, "Strict-Transport-Security"));
        Assert.Contains("secure", proxied.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(spoofed.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", spoofed.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);

        // The browser itself is on HTTPS (it sends the Secure cookies back); the proxy names the real client.
        await TestApp.SignInAsync(Forwarded(app, "https://dashboard.example/", from: "10.0.0.5"), TestApp.AdminEmail, TestApp.AdminPassword);
        await TestApp.SignInAsync(Forwarded(app, "https://dashboard.example/", from: "10.9.9.9"), TestApp.AdminEmail, TestApp.AdminPassword);
        var admin = (await app.Service<TalkNTalk.Core.Users.MemberService>().ListAsync(await app.OrganisationIdAsync())).Single();
        var addresses = (await app.Service<TalkNTalk.Core.Users.UserSessions>().ListAsync(admin.UserId)).Select(s => s.IpAddress).Order();
        Assert.Equal(["10.9.9.9", "41.90.64.7"], addresses);
    }

    private static HttpClient Forwarded(TestApp app, string baseAddress, string from)
    {
        var client = app.CreateClient(new() { BaseAddress = new Uri(baseAddress), AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(TestApp.ClientAddressHeader, from);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "41.90.64.7");
        return client;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content)
        : "";

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NoncePattern();

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>")]
    private static partial Regex InlineScriptPattern();
}
