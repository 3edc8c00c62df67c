using TalkNTalk.Core.Common;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Users;

namespace TalkNTalk.Core.Tests.Users;

public sealed class MemberServiceTests
{
    [Fact]
    public async Task Invited_users_join_the_organisation_and_must_change_their_password()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var members = services.Get<MemberService>();

        var kamau = await members.InviteAsync(org, " kamau@acme.co.ke ", "Kamau", MemberRole.Member, "temporary-pass-1");

        Assert.True(kamau.MustChangePassword);
        var list = await members.ListAsync(org);
        Assert.Equal(2, list.Count);
        Assert.Equal("kamau@acme.co.ke", list.Single(m => m.DisplayName == "Kamau").Email);
        Assert.Equal(MemberRole.Member, (await members.GetContextAsync(kamau.UserId))!.Role);
    }

    [Theory]
    [InlineData("kamau@acme", "Kamau", "temporary-pass-1", "email")]
    [InlineData("not an email", "Kamau", "temporary-pass-1", "email")]
    [InlineData("", "Kamau", "temporary-pass-1", "email")]
    [InlineData("kamau@acme.co.ke", "", "temporary-pass-1", "displayName")]
    [InlineData("kamau@acme.co.ke", "Kamau", "short1", "password")]
    [InlineData("kamau@acme.co.ke", "Kamau", "nodigitsatall", "password")]
    [InlineData("admin@acmekenya.co.ke", "Kamau", "temporary-pass-1", "email")]
    public async Task Bad_invitations_say_which_field_to_fix_and_create_nobody(string email, string name, string password, string field)
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var members = services.Get<MemberService>();

        var error = await Assert.ThrowsAsync<DomainException>(() => members.InviteAsync(org, email, name, MemberRole.Member, password));

        Assert.Equal(field, error.Field);
        Assert.Single(await members.ListAsync(org));
    }

    [Fact]
    public async Task The_last_active_admin_can_be_neither_demoted_nor_disabled()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var members = services.Get<MemberService>();
        var admin = (await members.ListAsync(org)).Single();
        var second = await members.InviteAsync(org, "njeri@acme.co.ke", "Njeri", MemberRole.Admin, "temporary-pass-1");

        Assert.Equal("cannot_disable_self", (await Assert.ThrowsAsync<DomainException>(() => members.SetDisabledAsync(org, admin.UserId, true, admin.UserId))).Code);

        // With a second admin, one may step down; then the other is the last.
        await members.ChangeRoleAsync(org, admin.UserId, MemberRole.Member);
        Assert.Equal("last_admin", (await Assert.ThrowsAsync<DomainException>(() => members.ChangeRoleAsync(org, second.UserId, MemberRole.Viewer))).Code);
        Assert.Equal("last_admin", (await Assert.ThrowsAsync<DomainException>(() => members.SetDisabledAsync(org, second.UserId, true, admin.UserId))).Code);

        // A disabled admin does not count as an active one.
        await members.ChangeRoleAsync(org, admin.UserId, MemberRole.Admin);
        await members.SetDisabledAsync(org, admin.UserId, true, second.UserId);
        Assert.Equal("last_admin", (await Assert.ThrowsAsync<DomainException>(() => members.ChangeRoleAsync(org, second.UserId, MemberRole.Member))).Code);
        Assert.True((await members.ListAsync(org)).Single(m => m.UserId == admin.UserId).IsDisabled);
    }

    [Fact]
    public async Task Another_organisations_user_is_not_found()
    {
        await using var services = await TestServices.StartAsync();
        var acme = await services.CreateOrganisationAsync("Acme Kenya");
        var baraka = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        var members = services.Get<MemberService>();
        var barakaAdmin = (await members.ListAsync(baraka)).Single();
        var acmeAdmin = (await members.ListAsync(acme)).Single();

        Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(() => members.ChangeRoleAsync(acme, barakaAdmin.UserId, MemberRole.Viewer))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(() => members.SetDisabledAsync(acme, barakaAdmin.UserId, true, acmeAdmin.UserId))).Code);
    }

    [Fact]
    public async Task Members_page_by_role_then_name_and_by_name_in_any_case()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var members = services.Get<MemberService>();
        await members.InviteAsync(org, "zawadi@acme.co.ke", "zawadi", MemberRole.Viewer, "temporary-pass-1");
        await members.InviteAsync(org, "baraka@acme.co.ke", "Baraka", MemberRole.Member, "temporary-pass-1");
        await members.InviteAsync(org, "amina@acme.co.ke", "Amina", MemberRole.Viewer, "temporary-pass-1");

        var (byRole, total) = await members.PageAsync(org, new PageRequest(1, 3, nameof(MemberView.Role)));
        var (byName, _) = await members.PageAsync(org, new PageRequest(0, 4, nameof(MemberView.DisplayName), Descending: true));

        Assert.Equal(4, total);
        Assert.Equal(["Baraka", "Amina", "zawadi"], byRole.Select(m => m.DisplayName)); // after the admin: members, then viewers
        Assert.Equal(["zawadi", "Baraka", "Amina", "Acme Kenya Admin"], byName.Select(m => m.DisplayName));
    }
}
