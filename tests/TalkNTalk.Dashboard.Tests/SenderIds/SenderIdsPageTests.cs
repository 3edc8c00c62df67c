using Bunit;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Users;
using TalkNTalk.Dashboard.SenderIds;
using TalkNTalk.Dashboard.Tests.Components;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.SenderIds;

public sealed class SenderIdsPageTests : ComponentTest
{
    [Fact]
    public void A_name_against_the_operator_rules_is_refused_next_to_the_field()
    {
        var cut = Render<SenderIdsPage>();
        cut.Find("form input").Change("TOO-LONG");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("letters A–Z and digits", cut.Find("[data-field=name]").TextContent));
    }

    [Fact]
    public async Task Reject_asks_first_and_cancel_keeps_the_sender_id()
    {
        await App.Service<SenderIdService>().RegisterAsync(OrganisationId, "ACMEPROMO", SenderIdCategory.Promotional);
        var dialogs = RenderDialogProvider();
        var cut = Render<SenderIdsPage>();

        cut.WaitForElement("[aria-label='Reject ACMEPROMO']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Reject ACMEPROMO?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        cut.WaitForAssertion(() => Assert.Equal("Pending", cut.Find("[data-testid=status-ACMEPROMO]").TextContent.Trim()));
        var sender = (await App.Service<SenderIdService>().ListAsync(OrganisationId)).Single(s => s.Name == "ACMEPROMO");
        Assert.Equal(SenderIdStatus.Pending, sender.Status);
    }

    [Fact]
    public void An_organisation_without_sender_ids_sees_the_empty_state()
    {
        SignInAs(TestApp.AdminEmail, "Wanjiku Admin", MemberRole.Admin, Guid.NewGuid());
        var cut = Render<SenderIdsPage>();

        cut.WaitForAssertion(() => Assert.Contains("No sender IDs", cut.Find("[role=status]").TextContent));
    }

    [Fact]
    public async Task The_grid_pages_and_sorts_on_the_server()
    {
        var senders = App.Service<SenderIdService>();
        for (var i = 0; i < 30; i++)
            await senders.RegisterAsync(OrganisationId, $"SENDER{i:00}", SenderIdCategory.Transactional);
        var cut = Render<SenderIdsPage>();

        cut.WaitForAssertion(() => Assert.Contains("1-25 of 3", cut.Find(".mud-table-pagination").TextContent));
        Assert.Equal(25, cut.FindAll("[data-testid=sender-grid] tbody tr").Count);

        // Sorting by name twice (ascending, then descending) asks the service again each time: SENDER29 comes first.
        SortByName(cut);
        SortByName(cut);
        cut.WaitForAssertion(() => Assert.Contains("SENDER29", cut.FindAll("[data-testid=sender-grid] tbody tr")[0].TextContent));
    }

    private static void SortByName(IRenderedComponent<SenderIdsPage> cut) =>
        cut.FindAll("th").Single(th => th.TextContent.Contains("Name")).QuerySelector(".sortable-column-header")!.Click();
}
