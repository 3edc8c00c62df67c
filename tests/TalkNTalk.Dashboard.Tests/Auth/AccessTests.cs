using System.Net;
using TalkNTalk.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Auth;

/// <summary>Who may open which page, through the real pipeline (cookies, antiforgery, authorization).</summary>
public sealed class AccessTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/address-books")]
    [InlineData("/compose")]
    [InlineData("/campaigns")]
    [InlineData("/messages")]
    [InlineData("/admin/wallet")]
    [InlineData("/account/change-password")]
    public async Task Every_page_requires_sign_in(string path)
    {
        using var app = new TestApp();
        var response = await app.Browser().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_first_run_every_page_leads_to_setup_and_afterwards_setup_is_gone()
    {
        using (var fresh = new TestApp(bootstrap: false))
        {
            var client = fresh.Browser();
            var home = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Equal("/setup", home.Headers.Location!.OriginalString);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/setup")).StatusCode);
        }

        using var app = new TestApp();
        var setup = await app.Browser().GetAsync("/setup");
        Assert.Equal(HttpStatusCode.NotFound, setup.StatusCode);
    }

    [Fact]
    public async Task Setup_form_creates_the_organisation_and_signs_the_admin_in()
    {
        using var app = new TestApp(bootstrap: false);
        var client = app.Browser();
        var token = await TestApp.AntiforgeryTokenAsync(client, "/setup");

        var response = await client.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "setup",
            ["__RequestVerificationToken"] = token,
            ["Input.OrganisationName"] = "Baraka Sacco",
            ["Input.DefaultSenderId"] = "BARAKA",
            ["Input.TimeZoneId"] = "Africa/Nairobi",
            ["Input.AdminName"] = "Achieng Otieno",
            ["Input.AdminEmail"] = "achieng@baraka.co.ke",
            ["Input.AdminPassword"] = "baraka-pass-2026",
            ["Input.ConfirmPassword"] = "baraka-pass-2026",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/sender-ids")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/setup")).StatusCode);
    }

    [Fact]
    public async Task Setup_without_antiforgery_token_is_refused()
    {
        using var app = new TestApp(bootstrap: false);
        var response = await app.Browser().PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "setup",
            ["Input.OrganisationName"] = "Forged Ltd",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Admin_opens_admin_pages_and_a_member_is_refused()
    {
        using var app = new TestApp();
        var admin = app.Browser();
        var signedIn = await TestApp.SignInAsync(admin, TestApp.AdminEmail, TestApp.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        foreach (var path in new[] { "/", "/admin/sender-ids", "/admin/users", "/admin/wallet", "/admin/webhooks" })
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(path)).StatusCode);

        var organisationId = (await app.Service<MemberService>().GetContextAsync(await UserIdAsync(app, TestApp.AdminEmail)))!.OrganisationId;
        var kamau = await app.Service<MemberService>().InviteAsync(organisationId, "kamau@acme.co.ke", "Kamau", MemberRole.Member, "temporary-pass-1");
        await app.Service<MemberService>().ChangePasswordAsync(kamau.UserId, "temporary-pass-1", "kamau-own-pass-2", null);
        var member = app.Browser();
        await TestApp.SignInAsync(member, "kamau@acme.co.ke", "kamau-own-pass-2");

        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/campaigns")).StatusCode);
        foreach (var path in new[] { "/admin/sender-ids", "/admin/users", "/admin/wallet", "/admin/webhooks" })
        {
            var refused = await member.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.StartsWith("/account/access-denied", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_after_five_tries()
    {
        using var app = new TestApp();
        var client = app.Browser();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await TestApp.SignInAsync(client, TestApp.AdminEmail, "not-the-password-1");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var locked = await TestApp.SignInAsync(client, TestApp.AdminEmail, TestApp.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("locked for 15 minutes", await locked.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in()
    {
        using var app = new TestApp();
        var members = app.Service<MemberService>();
        var adminId = await UserIdAsync(app, TestApp.AdminEmail);
        var organisationId = (await members.GetContextAsync(adminId))!.OrganisationId;
        var invited = await members.InviteAsync(organisationId, "otieno@acme.co.ke", "Otieno", MemberRole.Viewer, "temporary-pass-1");
        await members.SetDisabledAsync(organisationId, invited.UserId, disabled: true, actingUserId: adminId);

        var response = await TestApp.SignInAsync(app.Browser(), "otieno@acme.co.ke", "temporary-pass-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This account is disabled", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sign_out_needs_the_antiforgery_token()
    {
        using var app = new TestApp();
        var client = app.Browser();
        await TestApp.SignInAsync(client, TestApp.AdminEmail, TestApp.AdminPassword);

        var forged = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/wallet")).StatusCode);
    }

    private static async Task<string> UserIdAsync(TestApp app, string email)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }
}
