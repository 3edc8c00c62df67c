using Bunit;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Dashboard.Campaigns;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Campaigns;

public sealed class CampaignListTests : ComponentTest
{
    [Fact]
    public void With_no_campaigns_the_page_says_what_will_appear()
    {
        var cut = Render<CampaignList>();

        cut.WaitForAssertion(() => Assert.Equal("No campaigns yet", cut.Find("[role=status] h2").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=campaigns-grid]"));
    }

    [Fact]
    public async Task Lists_campaigns_with_a_link_and_follows_their_status_live()
    {
        var id = await CampaignData.ScheduleAsync(App, OrganisationId, "Statement reminder");
        var cut = Render<CampaignList>();

        cut.WaitForAssertion(() =>
        {
            var link = cut.Find($"[data-testid=campaigns-grid] a[href='campaigns/{id}']");
            Assert.Equal("Statement reminder", link.TextContent.Trim());
            Assert.Equal("Scheduled", cut.Find("[data-testid=campaign-status]").TextContent.Trim());
        });

        await App.Service<CampaignQueries>().CancelAsync(OrganisationId, id);

        cut.WaitForAssertion(() => Assert.Equal("Cancelled", cut.Find("[data-testid=campaign-status]").TextContent.Trim()), TimeSpan.FromSeconds(10));
    }
}
