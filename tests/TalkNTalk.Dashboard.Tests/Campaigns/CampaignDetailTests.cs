using Bunit;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
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
    public void A_cancelled_campaign_is_not_a_full_bar_its_cancelled_share_shows_as_cancelled()
    {
        var figures = CampaignFigures.Of(CampaignData.View(CampaignStatus.Cancelled, recipients: 1000, sent: 64, delivered: 60, undelivered: 2, failed: 6, cancelled: 920, unknown: 10));
        var cut = Render<OutcomeBar>(p => p.Add(c => c.Figures, figures));

        var widths = cut.FindAll(".segment").ToDictionary(s => s.GetAttribute("data-segment")!, s => s.GetAttribute("style"));
        Assert.Equal(["sent", "failed", "unknown", "cancelled"], widths.Keys);
        Assert.Equal("width:6.4%", widths["sent"]);
        Assert.Equal("width:92%", widths["cancelled"]);
        Assert.Equal("64 sent · 6 failed · 10 outcome unknown · 920 cancelled of 1,000", cut.Find("[data-testid=outcome-bar]").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Messages_with_an_unknown_outcome_are_explained_and_an_admin_can_mark_them_failed_after_a_confirm()
    {
        var id = await CampaignData.ScheduleAsync(App, OrganisationId);
        await SetUnknownAsync(id, 2); // as a crash mid-hand-over to a provider that does not de-duplicate leaves them
        var before = await App.Service<TalkNTalk.Core.Wallets.WalletService>().GetBalanceAsync(OrganisationId);
        var dialogs = RenderDialogProvider();
        var cut = Render<CampaignDetail>(p => p.Add(c => c.CampaignId, id));

        cut.WaitForAssertion(() => Assert.Contains("2 messages with an unknown outcome.", cut.Find("[data-testid=unknown-outcomes]").TextContent));
        cut.Find("[data-testid=unknown-mark-failed]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("refund their cost", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Mark failed").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=unknown-outcomes]")));
        var view = await App.Service<CampaignQueries>().GetAsync(OrganisationId, id);
        Assert.Equal(0, view.UnknownCount);
        var after = await App.Service<TalkNTalk.Core.Wallets.WalletService>().GetBalanceAsync(OrganisationId);
        Assert.Equal(before.Available + 2m, after.Available); // both refunded
    }

    private async Task SetUnknownAsync(Guid id, int count)
    {
        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var ids = await db.Messages.Where(m => m.CampaignId == id).Select(m => m.Id).Take(count).ToListAsync();
        await db.Messages.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Unknown));
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
