using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// Every page, signed in as an admin with a campaign on record, at a laptop's 1366×768 and a wall screen's 1920×1080,
/// in the light and the dark theme: it renders without an error, axe finds no serious or critical accessibility
/// violation, and a screenshot is kept for people to look at (screenshots/tour/).
/// </summary>
public sealed class EveryPageTests
{
    private const string Key = "tk_live_Tour0123456789abcdefghijklmnopqr";

    // Every page, the channels' tabs of sender IDs and compose, and the change-password form (a static page outside the
    // circuit); each round also follows an e-mail sender's verification link, and a link that does not work.
    private static readonly string[] Pages =
    [
        .. DashboardPages.SignedIn, "/admin/sender-ids?channel=whatsapp", "/admin/sender-ids?channel=email", "/admin/sender-ids?channel=telegram",
        "/compose?channel=email", "/compose?channel=whatsapp", "/account/change-password", "{verify}", "/senders/verify/{bogus}/0123456789abcdef",
    ];

    [Fact]
    public async Task Every_page_renders_and_passes_axe_in_both_themes_at_both_sizes()
    {
        var settings = AppServer.Bootstrapped();
        settings["Bootstrap__ApiKey"] = Key;
        settings["SimulatedProvider__SubmitLatencyMs"] = "0";
        // With the simulated e-mail provider, an e-mail sender's verification link is written to the log.
        settings["Logging__LogLevel__TalkNTalk.Core.Channels.Email.EmailOriginVerification"] = "Information";
        await using var app = await AppServer.StartAsync(settings);
        var campaign = await app.SendBulkAsync(Key, ["254722551001", "254733100100", "254712000001"], "Your statement for November is ready.");
        await using var browser = await Browser.LaunchAsync();
        var folder = Directory.CreateDirectory(Path.Combine(Screenshots.Folder, "tour")).FullName;
        var problems = new StringBuilder();

        foreach (var (width, height) in new[] { (1366, 768), (1920, 1080) })
        foreach (var theme in new[] { "light", "dark" })
        {
            var page = await browser.NewPageAsync(app.BaseUrl, width, height);
            await page.Context.AddCookiesAsync([new Cookie { Name = "TalkNTalkTheme", Value = theme, Url = app.BaseUrl }]);
            await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
            var verify = await RegisterEmailSenderAsync(page, app, $"tour-{width}-{theme}@acme.co.ke");
            foreach (var path in Pages.Select(p => p.Replace("{campaign}", campaign).Replace("{verify}", verify).Replace("{bogus}", Guid.Empty.ToString())))
            {
                if (path.StartsWith("/account/") || path.StartsWith("/senders/verify/"))
                    await page.GotoAsync(path);
                else
                    await page.OpenAsync(path);
                await Expect(page.Locator("h1, h2").First).ToBeVisibleAsync();
                await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
                var name = path == "/" ? "overview" : path.Trim('/').Replace('/', '-').Replace('?', '-').Replace('=', '-');
                if (path.Contains(campaign))
                    name = "campaign-detail";
                if (path == verify)
                    name = "senders-verify";
                else if (path.StartsWith("/senders/verify/"))
                    name = "senders-verify-invalid";
                if (path.StartsWith("/senders/verify/"))
                    await Expect(page.GetByTestId("verify-result")).ToHaveAttributeAsync("data-outcome", path == verify ? "verified" : "invalid_token");
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-{width}-{theme}.png") });

                var axe = await page.RunAxe();
                foreach (var violation in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
                    problems.AppendLine($"{path} {width} {theme}: {violation.Id} ({violation.Impact}) {violation.Help}: "
                        + string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html)));
            }
            await page.Context.CloseAsync();
        }

        Assert.True(problems.Length == 0, "Accessibility violations:\n" + problems);
    }

    /// <summary>Adds an e-mail sender on its tab and returns the verification link the app wrote to its log.</summary>
    private static async Task<string> RegisterEmailSenderAsync(IPage page, AppServer app, string address)
    {
        await page.OpenAsync("/admin/sender-ids?channel=email");
        await page.GetByLabel("Address", new() { Exact = true }).FillAsync(address);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(page.GetByTestId($"status-{address}")).ToHaveTextAsync("Awaiting verification");
        var pattern = new System.Text.RegularExpressions.Regex($"Verification for e-mail sender {System.Text.RegularExpressions.Regex.Escape(address)}: open \\S*?(/senders/verify/\\S+)");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        System.Text.RegularExpressions.Match match;
        while (!(match = pattern.Match(app.Output)).Success)
        {
            Assert.True(DateTime.UtcNow < deadline, $"No verification link for {address} in the log:\n{app.Output}");
            await page.WaitForTimeoutAsync(100);
        }
        return match.Groups[1].Value;
    }
}
