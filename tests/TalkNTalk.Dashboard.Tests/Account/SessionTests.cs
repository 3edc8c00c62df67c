using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Users;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Account;

/// <summary>Sessions end on the server: a copy of a sign-in cookie is worth nothing once its session is over.</summary>
public sealed class SessionTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_cookie_saved_before_signing_out_no_longer_opens_anything_even_while_the_account_is_locked()
    {
        var jar = new CookieContainer();
        var browser = _app.Browser(jar);
        await TestApp.SignInAsync(browser, TestApp.AdminEmail, TestApp.AdminPassword);
        var saved = jar.GetCookieHeader(_app.Server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(saved, "/admin/users")).StatusCode);

        var token = await TestApp.AntiforgeryTokenAsync(browser, "/");
        var signedOut = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        for (var i = 0; i < 5; i++)
            await TestApp.SignInAsync(_app.Browser(), TestApp.AdminEmail, "not-the-password-1");

        var replayed = await WithCookieAsync(saved, "/admin/users");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/account/login", replayed.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await WithCookieAsync(saved, "/admin/wallet/ledger.csv")).StatusCode);
    }

    [Fact]
    public async Task Disabling_a_user_ends_every_session_they_have_at_once()
    {
        var (org, adminId) = await AdminAsync();
        var members = _app.Service<MemberService>();
        var kamau = await members.InviteAsync(org, "kamau@acme.co.ke", "Kamau", MemberRole.Member, "temporary-pass-1");
        await members.ChangePasswordAsync(kamau.UserId, "temporary-pass-1", "kamau-own-pass-2", null);
        var laptop = _app.Browser();
        var phone = _app.Browser();
        await TestApp.SignInAsync(laptop, "kamau@acme.co.ke", "kamau-own-pass-2");
        await TestApp.SignInAsync(phone, "kamau@acme.co.ke", "kamau-own-pass-2");
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/campaigns")).StatusCode);

        await members.SetDisabledAsync(org, kamau.UserId, disabled: true, actingUserId: adminId);

        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/campaigns")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_signs_out_every_other_browser_and_keeps_this_one()
    {
        var here = _app.Browser();
        var elsewhere = _app.Browser();
        await TestApp.SignInAsync(here, TestApp.AdminEmail, TestApp.AdminPassword);
        await TestApp.SignInAsync(elsewhere, TestApp.AdminEmail, TestApp.AdminPassword);

        var token = await TestApp.AntiforgeryTokenAsync(here, "/account/change-password");
        var changed = await here.PostAsync("/account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = token,
            ["Input.CurrentPassword"] = TestApp.AdminPassword,
            ["Input.NewPassword"] = "a-new-pass-2026",
            ["Input.ConfirmPassword"] = "a-new-pass-2026",
        }));

        Assert.Contains("data-testid=\"password-changed\"", await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task Each_sign_in_is_a_session_with_its_browser_and_address()
    {
        var (_, adminId) = await AdminAsync();
        var browser = _app.Browser();
        browser.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
        browser.DefaultRequestHeaders.Add(TestApp.ClientAddressHeader, "41.90.64.7");

        await TestApp.SignInAsync(browser, TestApp.AdminEmail, TestApp.AdminPassword);

        var session = Assert.Single(await _app.Service<UserSessions>().ListAsync(adminId));
        Assert.Equal(("Firefox on Linux", "41.90.64.7"), (session.Device, session.IpAddress));
    }

    private async Task<HttpResponseMessage> WithCookieAsync(string cookie, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await _app.CreateDefaultClient().SendAsync(request);
    }

    private async Task<(Guid Org, string AdminId)> AdminAsync()
    {
        using var scope = _app.Services.CreateScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(TestApp.AdminEmail);
        return (await _app.OrganisationIdAsync(), admin!.Id);
    }
}
