using System.Text;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// The Content-Security-Policy the app sends is one its pages satisfy: every page, signed out and in, with menus,
/// dialogs and the SignalR screen used, reports no violation (no <c>securitypolicyviolation</c> event, no CSP error in
/// the console). And the real Kestrel answers with the security headers and without a Server header.
/// </summary>
public sealed class SecurityTests
{
    private const string Key = "tk_live_Csp00123456789abcdefghijklmnopqr";

    // Runs in every document before its own scripts: collects what the browser refused under the policy.
    private const string CollectViolations = """
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", e =>
            window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} (${e.sample})`));
        """;

    [Fact]
    public async Task No_page_breaks_the_content_security_policy()
    {
        var settings = AppServer.Bootstrapped();
        settings["Bootstrap__ApiKey"] = Key;
        settings["SimulatedProvider__SubmitLatencyMs"] = "0";
        await using var app = await AppServer.StartAsync(settings);
        var campaign = await app.SendBulkAsync(Key, ["254722551001", "254733100100"], "Your statement is ready.");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.Context.AddInitScriptAsync(CollectViolations);
        var problems = new StringBuilder();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (problems) problems.AppendLine($"{page.Url}: console: {message.Text}");
        };

        async Task CheckAsync(string what)
        {
            var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations ?? []");
            lock (problems)
                foreach (var violation in violations)
                    problems.AppendLine($"{what}: {violation}");
        }

        await page.GotoAsync("/account/login");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await CheckAsync("/account/login");
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);

        foreach (var path in DashboardPages.SignedIn.Select(p => p.Replace("{campaign}", campaign)))
        {
            await page.OpenAsync(path);
            await Expect(page.Locator("h1, h2").First).ToBeVisibleAsync();
            await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            await CheckAsync(path);
        }

        // Popovers, dialogs and client-side navigation inside one live circuit.
        await page.OpenAsync("/admin/api-keys");
        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Your account and sessions" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("this-session")).ToBeVisibleAsync();
        await CheckAsync("user menu to /account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change password" })).ToBeVisibleAsync();
        await CheckAsync("/account/change-password");

        await page.GotoAsync("/hub.html");
        await Expect(page.GetByTestId("hub-state")).ToHaveTextAsync("Connected");
        await CheckAsync("/hub.html");

        Assert.True(problems.Length == 0, "Content-Security-Policy violations:\n" + problems);
    }

    [Fact]
    public async Task Run_from_the_build_output_the_fingerprinted_assets_are_cached_for_a_year()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped());
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        var page = await http.GetStringAsync("/account/login");
        var stylesheet = System.Text.RegularExpressions.Regex.Match(page, "href=\"(css/app\\.[a-z0-9]+\\.css)\"");
        Assert.True(stylesheet.Success, "The sign-in page links no fingerprinted css/app.*.css");
        using var response = await http.GetAsync(stylesheet.Groups[1].Value);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Kestrel_sends_the_security_headers_and_no_server_header()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped());
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        foreach (var path in new[] { "/account/login", "/healthz", "/css/app.css", "/v1/address-books/" })
        {
            using var response = await http.GetAsync(path);
            Assert.False(response.Headers.Contains("Server"), $"{path} names the server: {string.Join(",", response.Headers.TryGetValues("Server", out var s) ? s : [])}");
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.StartsWith("default-src 'self'; script-src 'self' 'nonce-", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        }
    }
}
