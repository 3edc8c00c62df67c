using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Users;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Account;

/// <summary>The sign-in form tells nobody which e-mails have accounts, and one address cannot try passwords without end.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task An_unknown_e_mail_costs_the_same_password_hash_check_as_a_known_one()
    {
        var hasher = new CountingHasher();
        using var app = new TestApp();
        using var counted = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(hasher)));
        var browser = counted.CreateClient(new() { AllowAutoRedirect = false });

        hasher.Verified = 0;
        var known = await TestApp.SignInAsync(browser, TestApp.AdminEmail, "not-the-password-1");
        var knownChecks = hasher.Verified;
        hasher.Verified = 0;
        var unknown = await TestApp.SignInAsync(browser, "nobody@acme.co.ke", "not-the-password-1");

        Assert.Equal(1, knownChecks);
        Assert.Equal(1, hasher.Verified);
        Assert.Equal(await ErrorOf(known), await ErrorOf(unknown));
    }

    [Fact]
    public async Task A_disabled_account_says_so_only_to_someone_who_knows_its_password()
    {
        using var app = new TestApp();
        var members = app.Service<MemberService>();
        var org = await app.OrganisationIdAsync();
        var admin = (await members.ListAsync(org)).Single();
        var otieno = await members.InviteAsync(org, "otieno@acme.co.ke", "Otieno", MemberRole.Viewer, "temporary-pass-1");
        await members.SetDisabledAsync(org, otieno.UserId, disabled: true, actingUserId: admin.UserId);

        var guessed = await TestApp.SignInAsync(app.Browser(), "otieno@acme.co.ke", "a-guess-at-it-1");
        var right = await TestApp.SignInAsync(app.Browser(), "otieno@acme.co.ke", "temporary-pass-1");

        Assert.Contains("do not match an account", await ErrorOf(guessed));
        Assert.Contains("This account is disabled", await ErrorOf(right));
    }

    [Fact]
    public async Task One_address_gets_ten_attempts_per_window_and_then_a_clear_refusal_while_others_go_on()
    {
        using var app = new TestApp();
        var attacker = app.Browser();
        attacker.DefaultRequestHeaders.Add(TestApp.ClientAddressHeader, "41.90.64.66");
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await TestApp.SignInAsync(attacker, $"guess{i}@acme.co.ke", "not-the-password-1")).StatusCode);

        var refused = await TestApp.SignInAsync(attacker, TestApp.AdminEmail, TestApp.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many sign-in attempts from your network. Wait 5 minutes and try again.", await ErrorOf(refused));
        var colleague = app.Browser();
        colleague.DefaultRequestHeaders.Add(TestApp.ClientAddressHeader, "41.90.64.67");
        Assert.Equal(HttpStatusCode.Redirect, (await TestApp.SignInAsync(colleague, TestApp.AdminEmail, TestApp.AdminPassword)).StatusCode);
    }

    [Fact]
    public async Task The_limit_is_a_setting()
    {
        using var app = new TestApp(settings: new Dictionary<string, string> { ["SignIn:AttemptsPerAddress"] = "2", ["SignIn:Window"] = "00:01:00" });
        var browser = app.Browser();
        await TestApp.SignInAsync(browser, "a@acme.co.ke", "not-the-password-1");
        await TestApp.SignInAsync(browser, "b@acme.co.ke", "not-the-password-1");

        var refused = await TestApp.SignInAsync(browser, TestApp.AdminEmail, TestApp.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Wait 1 minute and try again.", await ErrorOf(refused));
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var match = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"login-error\">([^<]*)<");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : "";
    }

    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        public int Verified;

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref Verified);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
