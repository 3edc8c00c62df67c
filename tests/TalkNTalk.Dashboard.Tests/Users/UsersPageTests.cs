using Bunit;
using MudBlazor;
using TalkNTalk.Core.Users;
using TalkNTalk.Dashboard.Tests.Components;
using TalkNTalk.Dashboard.Tests.Infrastructure;
using TalkNTalk.Dashboard.Users;

namespace TalkNTalk.Dashboard.Tests.Users;

public sealed class UsersPageTests : ComponentTest
{
    [Fact]
    public async Task The_last_admin_demoting_themself_is_refused_and_the_select_shows_the_real_role()
    {
        var cut = Render<UsersPage>();
        cut.WaitForElement("[aria-label='Role of Wanjiku Admin']");
        var select = MySelect(cut);

        // As a click on an option does: the select takes the value itself, then tells the page.
        await cut.InvokeAsync(() => select.Instance.SelectOption(MemberRole.Viewer));

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Admin", MySelect(cut).Find("input").GetAttribute("value"));
        });
        var me = (await App.Service<MemberService>().ListAsync(OrganisationId)).Single(m => m.Email == TestApp.AdminEmail);
        Assert.Equal(MemberRole.Admin, me.Role);
    }

    private static IRenderedComponent<MudSelect<MemberRole>> MySelect(IRenderedComponent<UsersPage> cut) =>
        cut.FindComponents<MudSelect<MemberRole>>().Single(s => Equals(s.Instance.UserAttributes.GetValueOrDefault("aria-label"), "Role of Wanjiku Admin"));

    [Fact]
    public void An_invite_without_name_or_address_says_so_next_to_the_field()
    {
        var cut = Render<UsersPage>();
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("Enter an e-mail address.", cut.Find("[data-field=email]").TextContent));
    }
}
