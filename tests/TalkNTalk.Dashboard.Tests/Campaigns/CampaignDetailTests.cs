using Bunit;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Dashboard.Campaigns;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Campaigns;

public sealed class CampaignDetailTests : ComponentTest
{
    [Fact]
    public void Figures_are_labelled_for_what_they_are_delivered_as_a_share_of_sent()
    {
        var cut = Render<CampaignFiguresPanel>(p => p.Add(c => c.Campaign, CampaignData.View(sent: 992, delivered: 955, undelivered: 30, failed: 8)));

        Assert.Equal("992", cut.Find("[data-testid=count-sent]").TextContent);
        Assert.Equal("955", cut.Find("[data-testid=count-delivered]").TextContent);
        Assert.Equal("Delivered 96.3% of sent", cut.Find("[data-testid=delivered-of-sent]").TextContent);
        Assert.Equal("30", cut.Find("[data-testid=count-undelivered]").TextContent);
        Assert.Equal("8", cut.Find("[data-testid=count-failed]").TextContent);
        Assert.Equal("0", cut.Find("[data-testid=count-cancelled]").TextContent);
        Assert.DoesNotContain("Delivery rate", cut.Markup);
    }

    [Fact]
    public void A_cancelled_campaign_shows_its_cancelled_messages_and_delivery_of_what_was_sent()
    {
        var cut = Render<CampaignFiguresPanel>(p => p.Add(c => c.Campaign,
            CampaignData.View(CampaignStatus.Cancelled, recipients: 1000, sent: 64, delivered: 60, undelivered: 2, failed: 0, cancelled: 936)));

        Assert.Equal("936", cut.Find("[data-testid=count-cancelled]").TextContent);
        Assert.Equal("Delivered 93.8% of sent", cut.Find("[data-testid=delivered-of-sent]").TextContent);
    }

    [Fact]
    public void Nothing_sent_yet_says_so_instead_of_a_rate()
    {
        var figures = CampaignFigures.Of(CampaignData.View(CampaignStatus.Queued, sent: 0, delivered: 0, undelivered: 0, failed: 0, queued: 1000));

        Assert.Null(figures.DeliveredOfSent);
        Assert.Equal("Nothing sent yet", figures.DeliveredOfSentText);
        Assert.Equal(1000, figures.Pending);
    }

    [Fact]
    public async Task The_page_re_renders_when_its_campaign_notifier_publishes()
    {
        var id = await CampaignData.ScheduleAsync(App, OrganisationId);
        var cut = Render<CampaignDetail>(p => p.Add(c => c.CampaignId, id));
        cut.WaitForAssertion(() => Assert.Equal("Scheduled", cut.Find("[data-testid=campaign-status]").TextContent.Trim()));
        Assert.Equal("3", cut.Find("[data-testid=count-queued]").TextContent);

        // Cancelling through the service publishes on the CampaignNotifier; the open page follows by itself.
        await App.Service<CampaignQueries>().CancelAsync(OrganisationId, id);

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Cancelled", cut.Find("[data-testid=campaign-status]").TextContent.Trim());
            Assert.Equal("3", cut.Find("[data-testid=count-cancelled]").TextContent);
            Assert.Equal("0", cut.Find("[data-testid=count-queued]").TextContent);
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Duplicate_opens_compose_prefilled_from_this_campaign()
    {
        var id = await CampaignData.ScheduleAsync(App, OrganisationId);
        var cut = Render<CampaignDetail>(p => p.Add(c => c.CampaignId, id));

        cut.WaitForAssertion(() => Assert.EndsWith($"compose?from={id}", cut.Find("[data-testid=duplicate-campaign]").GetAttribute("href")));
    }

    [Fact]
    public async Task Cancel_asks_first_and_keeps_sending_when_the_person_declines()
    {
        var id = await CampaignData.ScheduleAsync(App, OrganisationId);
        var dialogs = RenderDialogProvider();
        var cut = Render<CampaignDetail>(p => p.Add(c => c.CampaignId, id));

        cut.WaitForElement("button:contains('Cancel')");
        await cut.InvokeAsync(() => cut.FindAll("button").First(b => b.TextContent.Trim() == "Cancel").Click());

        dialogs.WaitForAssertion(() => Assert.Contains("Messages not yet sent are cancelled", dialogs.Markup));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Cancel").Click());
        Assert.Equal(CampaignStatus.Scheduled, (await App.Service<CampaignQueries>().GetAsync(OrganisationId, id)).Status);
    }

    [Fact]
    public void Another_organisations_or_a_wrong_link_shows_not_found()
    {
        var cut = Render<CampaignDetail>(p => p.Add(c => c.CampaignId, Guid.NewGuid()));

        cut.WaitForAssertion(() => Assert.Equal("Campaign not found", cut.Find("[role=status] h2").TextContent.Trim()));
    }
}
