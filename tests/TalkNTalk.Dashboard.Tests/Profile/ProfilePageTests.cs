using System.Security.Claims;
using Bunit;
using TalkNTalk.Core.Users;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Profile;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Profile;

/// <summary>The user's own account page: their signed-in browsers, and signing the others out.</summary>
public sealed class ProfilePageTests : ComponentTest
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private const string Safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

    private string _userId = "";
    private Guid _here, _laptop, _phone;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _userId = (await App.Service<MemberService>().ListAsync(OrganisationId)).Single().UserId;
        var sessions = App.Service<UserSessions>();
        _laptop = await sessions.StartAsync(_userId, Firefox, "41.90.64.2");
        _phone = await sessions.StartAsync(_userId, Safari, "41.90.64.3");
        _here = await sessions.StartAsync(_userId, Chrome, "41.90.64.1");
        Auth.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, _userId),
            new Claim(TalkNTalkClaims.DisplayName, "Wanjiku Admin"),
            new Claim(TalkNTalkClaims.OrganisationId, OrganisationId.ToString()),
            new Claim(TalkNTalkClaims.TimeZone, "Africa/Nairobi"),
            new Claim(TalkNTalkClaims.Session, _here.ToString()));
    }

    [Fact]
    public void Lists_every_browser_with_its_address_and_marks_this_one()
    {
        var cut = Render<ProfilePage>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=session-row]").Count));
        var rows = cut.FindAll("[data-testid=session-row]");
        var here = rows.Single(r => r.TextContent.Contains("Chrome on Windows"));
        Assert.Contains("41.90.64.1", here.TextContent);
        Assert.NotNull(here.QuerySelector("[data-testid=this-session]"));
        Assert.Null(here.QuerySelector("[data-testid=end-session]"));
        Assert.Contains(rows, r => r.TextContent.Contains("Firefox on Linux") && r.TextContent.Contains("41.90.64.2"));
        Assert.Contains(rows, r => r.TextContent.Contains("Safari on iOS"));
        // A real button, named for what it signs out: reachable and understandable by keyboard and screen reader.
        Assert.All(cut.FindAll("button[data-testid=end-session]"), b => Assert.StartsWith("Sign out ", b.GetAttribute("aria-label")));
    }

    [Fact]
    public async Task Signing_out_one_browser_ends_that_session_only()
    {
        var cut = Render<ProfilePage>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=session-row]").Count));

        cut.FindAll("[data-testid=session-row]").Single(r => r.TextContent.Contains("Firefox on Linux")).QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=session-row]").Count));
        var sessions = App.Service<UserSessions>();
        Assert.False(await sessions.IsActiveAsync(_laptop, _userId));
        Assert.True(await sessions.IsActiveAsync(_phone, _userId));
        Assert.True(await sessions.IsActiveAsync(_here, _userId));
    }

    [Fact]
    public async Task Signing_out_every_other_browser_asks_first_and_keeps_this_one()
    {
        var dialogs = RenderDialogProvider();
        var cut = Render<ProfilePage>();

        cut.WaitForElement("[data-testid=end-other-sessions]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("2 other browsers signed in as you", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Sign them out").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=session-row]")));
        Assert.Equal([_here], (await App.Service<UserSessions>().ListAsync(_userId)).Select(s => s.Id));
    }
}
