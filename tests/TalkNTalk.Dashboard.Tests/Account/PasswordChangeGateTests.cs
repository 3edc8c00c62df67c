using System.Net;
using TalkNTalk.Core.Users;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Account;

/// <summary>Signed in with a temporary password, a user gets the change-password page and sign-out, nothing else.</summary>
public sealed class PasswordChangeGateTests : IDisposable
{
    private const string Email = "kamau@acme.co.ke";
    private const string Temporary = "temporary-pass-1";
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/")]
    [InlineData("/messages")]
    [InlineData("/campaigns")]
    [InlineData("/address-books")]
    [InlineData("/account")]
    public async Task Typing_a_page_address_leads_back_to_the_change_password_form(string path)
    {
        var browser = await SignedInWithTemporaryPasswordAsync();

        var response = await browser.SendAsync(Page(path));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/change-password?first=true", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("GET", "/messages/export.csv")]
    [InlineData("GET", "/admin/wallet/ledger.csv")]
    [InlineData("GET", "/address-books/00000000-0000-0000-0000-000000000001/export")]
    [InlineData("POST", "/_blazor/negotiate?negotiateVersion=1")]
    [InlineData("POST", "/hubs/campaigns/negotiate?negotiateVersion=1")]
    public async Task Downloads_the_circuit_and_the_hub_are_refused(string method, string path)
    {
        var browser = await SignedInWithTemporaryPasswordAsync();

        var response = await browser.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_change_password_form_and_sign_out_stay_open_and_after_the_change_everything_opens()
    {
        var browser = await SignedInWithTemporaryPasswordAsync();
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(Page("/account/change-password?first=true"))).StatusCode);

        var token = await TestApp.AntiforgeryTokenAsync(browser, "/account/change-password");
        var changed = await browser.PostAsync("/account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = token,
            ["Input.CurrentPassword"] = Temporary,
            ["Input.NewPassword"] = "kamau-own-pass-2",
            ["Input.ConfirmPassword"] = "kamau-own-pass-2",
        }));
        Assert.Contains("data-testid=\"password-changed\"", await changed.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(Page("/messages"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/messages/export.csv")).StatusCode);

        var signOutToken = await TestApp.AntiforgeryTokenAsync(browser, "/");
        var signedOut = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = signOutToken }));
        Assert.Equal("/account/login?signedOut=true", signedOut.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_out_is_open_before_the_change()
    {
        var browser = await SignedInWithTemporaryPasswordAsync();
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/account/change-password");

        var signedOut = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal("/account/login?signedOut=true", signedOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SendAsync(Page("/account/change-password"))).StatusCode);
    }

    private async Task<HttpClient> SignedInWithTemporaryPasswordAsync()
    {
        await _app.Service<MemberService>().InviteAsync(await _app.OrganisationIdAsync(), Email, "Kamau", MemberRole.Admin, Temporary);
        var browser = _app.Browser();
        var signedIn = await TestApp.SignInAsync(browser, Email, Temporary);
        Assert.EndsWith("account/change-password?first=true", signedIn.Headers.Location!.OriginalString);
        return browser;
    }

    private static HttpRequestMessage Page(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        return request;
    }
}
