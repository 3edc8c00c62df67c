using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Users;

namespace TalkNTalk.Core.Tests.Users;

/// <summary>Server-side sign-in sessions: a cookie is only as good as its session row.</summary>
public sealed class UserSessionsTests
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    [Fact]
    public async Task An_ended_session_is_refused_at_once_even_though_it_was_just_confirmed()
    {
        await using var services = await TestServices.StartAsync();
        var (_, userId) = await AdminAsync(services);
        var sessions = services.Get<UserSessions>();
        var id = await sessions.StartAsync(userId, Chrome, "41.90.64.1");
        Assert.True(await sessions.IsActiveAsync(id, userId));

        await sessions.EndAsync(userId, id);

        Assert.False(await sessions.IsActiveAsync(id, userId));
        await Assert.ThrowsAsync<DomainException>(() => sessions.EndAsync(userId, id));
    }

    [Fact]
    public async Task Sessions_list_browser_address_and_last_visit_and_belong_to_their_user_only()
    {
        await using var services = await TestServices.StartAsync();
        var (org, userId) = await AdminAsync(services);
        var other = await services.Get<MemberService>().InviteAsync(org, "kamau@acme.co.ke", "Kamau", MemberRole.Member, "temporary-pass-1");
        var sessions = services.Get<UserSessions>();
        var laptop = await sessions.StartAsync(userId, Chrome, "41.90.64.1");
        services.Clock.Advance(TimeSpan.FromMinutes(10));
        var phone = await sessions.StartAsync(userId, Firefox, "2c0f:fe38::5");
        services.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await sessions.IsActiveAsync(laptop, userId, Chrome, "41.90.64.9"));

        var list = await sessions.ListAsync(userId);

        Assert.Equal([laptop, phone], list.Select(s => s.Id));
        Assert.Equal(("Chrome on Windows", "41.90.64.9"), (list[0].Device, list[0].IpAddress));
        Assert.Equal(("Firefox on Linux", "2c0f:fe38::5"), (list[1].Device, list[1].IpAddress));
        Assert.Equal(services.Clock.GetUtcNow().UtcDateTime, list[0].LastSeenAt);
        Assert.False(await sessions.IsActiveAsync(laptop, other.UserId));
        await Assert.ThrowsAsync<DomainException>(() => sessions.EndAsync(other.UserId, laptop));
        Assert.Empty(await sessions.ListAsync(other.UserId));
    }

    [Fact]
    public async Task Ending_all_keeps_only_the_browser_that_asked()
    {
        await using var services = await TestServices.StartAsync();
        var (_, userId) = await AdminAsync(services);
        var sessions = services.Get<UserSessions>();
        var ids = new[] { await sessions.StartAsync(userId, Chrome, null), await sessions.StartAsync(userId, Firefox, null), await sessions.StartAsync(userId, null, null) };
        foreach (var id in ids)
            Assert.True(await sessions.IsActiveAsync(id, userId));

        Assert.Equal(2, await sessions.EndAllAsync(userId, keep: ids[0]));

        Assert.True(await sessions.IsActiveAsync(ids[0], userId));
        Assert.False(await sessions.IsActiveAsync(ids[1], userId));
        Assert.False(await sessions.IsActiveAsync(ids[2], userId));
    }

    [Fact]
    public async Task A_session_unseen_for_its_lifetime_is_over_and_tidied_at_the_next_sign_in()
    {
        await using var services = await TestServices.StartAsync();
        var (_, userId) = await AdminAsync(services);
        var sessions = services.Get<UserSessions>();
        var old = await sessions.StartAsync(userId, Chrome, null);

        services.Clock.Advance(UserSessions.IdleLifetime + TimeSpan.FromMinutes(1));

        Assert.False(await sessions.IsActiveAsync(old, userId));
        var fresh = await sessions.StartAsync(userId, Chrome, null);
        await using var db = services.NewDb();
        Assert.Equal([fresh], await db.UserSessions.Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync());
    }

    [Fact]
    public async Task Disabling_a_user_or_changing_their_role_ends_all_their_sessions()
    {
        await using var services = await TestServices.StartAsync();
        var (org, adminId) = await AdminAsync(services);
        var members = services.Get<MemberService>();
        var sessions = services.Get<UserSessions>();
        var kamau = await members.InviteAsync(org, "kamau@acme.co.ke", "Kamau", MemberRole.Member, "temporary-pass-1");
        var first = await sessions.StartAsync(kamau.UserId, Chrome, null);
        Assert.True(await sessions.IsActiveAsync(first, kamau.UserId));

        await members.SetDisabledAsync(org, kamau.UserId, disabled: true, actingUserId: adminId);
        Assert.False(await sessions.IsActiveAsync(first, kamau.UserId));

        await members.SetDisabledAsync(org, kamau.UserId, disabled: false, actingUserId: adminId);
        var second = await sessions.StartAsync(kamau.UserId, Chrome, null);
        Assert.True(await sessions.IsActiveAsync(second, kamau.UserId));
        await members.ChangeRoleAsync(org, kamau.UserId, MemberRole.Viewer);
        Assert.False(await sessions.IsActiveAsync(second, kamau.UserId));
    }

    [Fact]
    public async Task A_password_change_ends_every_other_session_and_clears_the_temporary_password()
    {
        await using var services = await TestServices.StartAsync();
        var (org, _) = await AdminAsync(services);
        var members = services.Get<MemberService>();
        var sessions = services.Get<UserSessions>();
        var kamau = await members.InviteAsync(org, "kamau@acme.co.ke", "Kamau", MemberRole.Member, "temporary-pass-1");
        var here = await sessions.StartAsync(kamau.UserId, Chrome, null);
        var elsewhere = await sessions.StartAsync(kamau.UserId, Firefox, null);

        var wrong = await Assert.ThrowsAsync<DomainException>(() => members.ChangePasswordAsync(kamau.UserId, "not-it-at-all-1", "kamau-own-pass-2", here));
        Assert.Equal(("wrong_password", "currentPassword"), (wrong.Code, wrong.Field));
        Assert.True(await sessions.IsActiveAsync(elsewhere, kamau.UserId));

        await members.ChangePasswordAsync(kamau.UserId, "temporary-pass-1", "kamau-own-pass-2", here);

        Assert.True(await sessions.IsActiveAsync(here, kamau.UserId));
        Assert.False(await sessions.IsActiveAsync(elsewhere, kamau.UserId));
        Assert.False((await members.ListAsync(org)).Single(m => m.UserId == kamau.UserId).MustChangePassword);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("curl/8.5.0", "Unknown browser")]
    [InlineData(null, "Unknown browser")]
    public void Browsers_are_named_as_people_know_them(string? userAgent, string name) => Assert.Equal(name, BrowserNames.Describe(userAgent));

    private static async Task<(Guid Org, string UserId)> AdminAsync(TestServices services)
    {
        var org = await services.CreateOrganisationAsync();
        var admin = (await services.Get<MemberService>().ListAsync(org)).Single();
        return (org, admin.UserId);
    }
}
