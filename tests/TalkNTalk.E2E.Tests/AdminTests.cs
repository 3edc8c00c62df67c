using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>An admin configuring the organisation: sender IDs, wallet, users.</summary>
public sealed class AdminTests
{
    [Fact]
    public async Task Admin_registers_and_approves_a_sender_id_and_tops_up_the_wallet()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped(credit: 1000m));
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await page.OpenAsync("/admin/sender-ids");

        // A name that breaks the operator rules is refused next to the field.
        await page.GetByLabel("Name").FillAsync("TOO-LONG-NAME");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(page.Locator("[data-field=name]")).ToBeVisibleAsync();

        await page.GetByLabel("Name").FillAsync("ACMEPROMO");
        await page.GetByText("Promotional: offers").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(page.GetByTestId("status-ACMEPROMO")).ToHaveTextAsync("Pending");

        // The same name again, in another case, is a duplicate.
        await page.GetByLabel("Name").FillAsync("acmepromo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(page.Locator("[data-field=name]")).ToContainTextAsync("already registered");

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve ACMEPROMO" }).ClickAsync();
        await Expect(page.GetByTestId("status-ACMEPROMO")).ToHaveTextAsync("Approved");
        await page.GetByRole(AriaRole.Button, new() { Name = "Make default: ACMEPROMO" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "ACMEPROMO" })).ToContainTextAsync("Default");
        await Screenshots.SaveAsync(page, "admin-sender-ids-after-1366");

        // Wallet: zero is refused; a real top-up changes the header balance without a reload.
        await page.OpenAsync("/admin/wallet");
        await Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("KES 1,000.00");
        await page.GetByLabel("Amount (KES)").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add credit" }).ClickAsync();
        await Expect(page.Locator("[data-field=amount]")).ToContainTextAsync("greater than zero");
        await Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("KES 1,000.00");

        await page.GetByLabel("Amount (KES)").FillAsync("2500");
        await page.GetByLabel("Note").FillAsync("M-Pesa QJK7H2XYZ1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add credit" }).ClickAsync();
        await Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("KES 3,500.00");
        await Expect(page.GetByTestId("ledger-grid")).ToContainTextAsync("M-Pesa QJK7H2XYZ1");
        await Screenshots.SaveAsync(page, "admin-wallet-after-1366");

        // The ledger downloads as CSV, with the same rows.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("ledger-export").ClickAsync());
        Assert.Equal("wallet-ledger.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("\uFEFFtime,movement,amount,available_after", csv);
        Assert.Contains("TopUp,2500.00,3500.00", csv);
        Assert.Contains("M-Pesa QJK7H2XYZ1", csv);

        var wide = await browser.NewPageAsync(app.BaseUrl, 1920, 1080);
        await wide.Context.AddCookiesAsync([new Cookie { Name = "TalkNTalkTheme", Value = "dark", Url = app.BaseUrl }]);
        await wide.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await wide.OpenAsync("/admin/wallet");
        await Expect(wide.GetByTestId("ledger-grid")).ToContainTextAsync("M-Pesa QJK7H2XYZ1");
        await Screenshots.SaveAsync(wide, "admin-wallet-1920-dark");
    }

    [Fact]
    public async Task Admin_creates_an_api_key_that_works_until_revoked()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped());
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await page.OpenAsync("/admin/api-keys");

        await page.GetByLabel("Name").FillAsync("Billing server");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        // Shown at the top, in view on a 1366×768 screen, with the focus on it.
        await Expect(page.GetByTestId("new-key")).ToBeInViewportAsync();
        await Expect(page.GetByTestId("new-key-box")).ToBeFocusedAsync();
        var key = await page.GetByTestId("new-key").InnerTextAsync();
        Assert.Matches("^tk_live_[A-Za-z0-9]{32}$", key);
        await Expect(page.GetByTestId("keys-grid")).ToContainTextAsync("Billing server");
        await Screenshots.SaveAsync(page, "admin-api-keys-1366");

        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/v1/address-books/")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke Billing server" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync("Revoke “Billing server”?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByTestId("keys-grid")).ToContainTextAsync("Revoked");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/address-books/")).StatusCode);
    }

    [Fact]
    public async Task A_member_sees_no_admin_pages()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped());
        await using var browser = await Browser.LaunchAsync();
        var admin = await browser.NewPageAsync(app.BaseUrl);
        await admin.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await admin.OpenAsync("/admin/users");
        await admin.GetByLabel("Name").FillAsync("Kamau Member");
        await admin.GetByLabel("E-mail").FillAsync("kamau@acme.co.ke");
        await admin.GetByLabel("Temporary password").FillAsync("temporary-pass-1");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(admin.GetByTestId("users-grid")).ToContainTextAsync("kamau@acme.co.ke");

        // First sign-in asks for a new password.
        var member = await browser.NewPageAsync(app.BaseUrl);
        await member.SignInAsync("kamau@acme.co.ke", "temporary-pass-1");
        await Expect(member).ToHaveURLAsync(new Regex("/account/change-password\\?first=true"));
        await member.GetByLabel("Current password").FillAsync("temporary-pass-1");
        await member.GetByLabel("New password", new() { Exact = true }).FillAsync("kamau-own-pass-9");
        await member.GetByLabel("New password again").FillAsync("kamau-own-pass-9");
        await member.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(member.GetByTestId("password-changed")).ToBeVisibleAsync();

        await member.OpenAsync("/");
        await Expect(member.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).Not.ToContainTextAsync("Sender IDs");
        var response = await member.GotoAsync("/admin/wallet");
        await Expect(member).ToHaveURLAsync(new Regex("/account/access-denied"));
    }
}
