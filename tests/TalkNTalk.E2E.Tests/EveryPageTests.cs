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

    // Every page, and the change-password form (a static page outside the circuit).
    private static readonly string[] Pages = [.. DashboardPages.SignedIn, "/account/change-password"];

    [Fact]
    public async Task Every_page_renders_and_passes_axe_in_both_themes_at_both_sizes()
    {
        var settings = AppServer.Bootstrapped();
        settings["Bootstrap__ApiKey"] = Key;
        settings["SimulatedProvider__SubmitLatencyMs"] = "0";
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
            foreach (var path in Pages.Select(p => p.Replace("{campaign}", campaign)))
            {
                if (path.StartsWith("/account/"))
                    await page.GotoAsync(path);
                else
                    await page.OpenAsync(path);
                await Expect(page.Locator("h1, h2").First).ToBeVisibleAsync();
                await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
                var name = path == "/" ? "overview" : path.Trim('/').Replace('/', '-');
                if (path.Contains(campaign))
                    name = "campaign-detail";
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
}
