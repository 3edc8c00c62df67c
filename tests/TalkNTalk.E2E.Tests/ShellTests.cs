using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>A newcomer's first visit: setup, sign-in, every page of the shell, sign-out.</summary>
public sealed class ShellTests
{
    private static readonly (string Nav, string Path, string Heading)[] NavigationEntries =
    [
        ("Overview", "/", "Overview"),
        ("Address books", "/address-books", "Address books"),
        ("Compose", "/compose", "Compose"),
        ("Campaigns", "/campaigns", "Campaigns"),
        ("Messages", "/messages", "Messages"),
        ("REST API", "/api", "REST API"),
        ("Sender IDs", "/admin/sender-ids", "Sender IDs"),
        ("Users", "/admin/users", "Users"),
        ("Wallet", "/admin/wallet", "Wallet"),
        ("API keys", "/admin/api-keys", "API keys"),
    ];

    [Fact]
    public async Task First_run_setup_creates_the_admin_who_then_visits_every_page()
    {
        await using var app = await AppServer.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/setup$"));
        await Screenshots.SaveAsync(page, "setup-1366");

        // Bad input first: the page says what to fix and creates nothing.
        await page.GetByLabel("Organisation name").FillAsync("Baraka Sacco");
        await page.GetByLabel("Default sender ID").FillAsync("BARAKA SACCO!");
        await page.GetByLabel("Your name").FillAsync("Achieng Otieno");
        await page.GetByLabel("E-mail").FillAsync("achieng@baraka");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("baraka-pass-2026");
        await page.GetByLabel("Password again").FillAsync("baraka-pass-2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organisation" }).ClickAsync();
        // Every field's problem after one submit, not one per submit.
        await Expect(page.Locator("[data-field=name]")).ToContainTextAsync("letters A–Z and digits");
        await Expect(page.Locator("[data-field=email]")).ToContainTextAsync("is not an e-mail address");

        await page.GetByLabel("Default sender ID").FillAsync("BARAKA");
        await page.GetByLabel("E-mail").FillAsync("achieng@baraka.co.ke");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("baraka-pass-2026");
        await page.GetByLabel("Password again").FillAsync("baraka-pass-2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organisation" }).ClickAsync();

        // Setup signs the new admin in and lands on the overview.
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("org-name")).ToHaveTextAsync("Baraka Sacco");
        await Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("KES 0.00");

        foreach (var (nav, path, heading) in NavigationEntries)
        {
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByText(nav, new() { Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(path) + "$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
            await Screenshots.SaveAsync(page, $"page{path.Replace('/', '-').TrimEnd('-')}-1366");
        }

        // The same pages on a 1920×1080 wall screen.
        var wall = await browser.NewPageAsync(app.BaseUrl, 1920, 1080);
        await wall.SignInAsync("achieng@baraka.co.ke", "baraka-pass-2026");
        foreach (var (_, path, heading) in NavigationEntries)
        {
            await wall.OpenAsync(path);
            await Expect(wall.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
            await Screenshots.SaveAsync(wall, $"page{path.Replace('/', '-').TrimEnd('-')}-1920");
        }

        // Dark theme: one click, and it is still dark after a reload.
        await wall.OpenAsync("/campaigns");
        var light = await wall.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        await wall.GetByTestId("theme-toggle").ClickAsync();
        await Expect(wall.Locator("meta[name=color-scheme]")).ToHaveAttributeAsync("content", "dark");
        await wall.ReloadAsync();
        await wall.WaitForInteractiveAsync();
        // The server's first render is already dark (the cookie), not a light page that turns dark.
        await Expect(wall.Locator("meta[name=color-scheme]")).ToHaveAttributeAsync("content", "dark");
        Assert.NotEqual(light, await wall.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
        await Screenshots.SaveAsync(wall, "page-campaigns-dark-1920");

        // Sign out from the user menu; the setup page is gone for good.
        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await Screenshots.SaveAsync(page, "login-1366");
        var setup = await page.GotoAsync("/setup");
        Assert.Equal(404, setup!.Status);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_clear_message()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped());
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);

        await page.GotoAsync("/admin/wallet");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login\\?returnUrl=", RegexOptions.IgnoreCase));
        await page.GetByLabel("E-mail").FillAsync(TestUsers.AdminEmail);
        await page.GetByLabel("Password").FillAsync("not-the-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("do not match");

        // The right password goes back where the user was heading.
        await page.GetByLabel("Password").FillAsync(TestUsers.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/wallet$"));
    }
}
