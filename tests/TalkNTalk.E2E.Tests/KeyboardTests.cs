using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>The shell works without a mouse: Tab reaches every control of the app bar and the navigation, Enter uses them.</summary>
public sealed class KeyboardTests
{
    [Fact]
    public async Task Tab_reaches_the_shell_controls_and_Enter_uses_them()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped());
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await page.OpenAsync("/campaigns");

        var reached = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>(
                "() => { const e = document.activeElement; return (e.getAttribute('aria-label') || e.textContent || '').trim(); }"));
            if (reached[^1] == "Messages")
                break;
        }
        Assert.Contains("Show or hide the navigation", reached);
        Assert.Contains(reached, name => name.Contains("Available credit"));
        Assert.Contains(reached, name => name.StartsWith("Switch to the"));
        Assert.Contains(reached, name => name.EndsWith("your account"));
        Assert.Contains("Overview", reached);

        // Enter follows the focused navigation link.
        Assert.Equal("Messages", reached[^1]);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/messages$"));

        // The user menu opens from the keyboard too.
        await page.GetByRole(AriaRole.Button, new() { Name = "Wanjiku Admin: your account" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }
}
