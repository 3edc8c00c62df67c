using Bunit;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Dashboard.Monitor;
using TalkNTalk.Dashboard.Tests.Campaigns;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Monitor;

public sealed class MonitorPageTests : ComponentTest
{
    public MonitorPageTests() => SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));

    [Fact]
    public void With_nothing_sent_today_it_shows_zero_totals_the_credit_and_an_empty_notice()
    {
        var cut = Render<MonitorPage>();

        cut.WaitForAssertion(() => Assert.Equal("KES 500.00", cut.Find("[data-testid=total-credit]").TextContent));
        Assert.Equal("0", cut.Find("[data-testid=total-sent]").TextContent);
        Assert.Equal("0", cut.Find("[data-testid=total-failed]").TextContent);
        Assert.Contains("No campaigns running or finished in the last six hours.", cut.Find(".wall-empty").TextContent);
    }

    [Fact]
    public async Task A_campaign_sent_now_appears_live_with_todays_totals_and_the_spent_credit()
    {
        var cut = Render<MonitorPage>();
        cut.WaitForElement("[data-testid=total-credit]");

        var id = await CampaignData.SendNowAsync(App, OrganisationId, "Flash sale");

        cut.WaitForAssertion(() =>
        {
            var tile = cut.Find($"[data-campaign='{id}']");
            Assert.Equal("Completed", tile.QuerySelector("[data-testid=campaign-status]")!.TextContent.Trim());
            var sent = int.Parse(tile.QuerySelector("[data-testid=monitor-sent]")!.TextContent);
            var failed = int.Parse(tile.QuerySelector("[data-testid=monitor-failed]")!.TextContent);
            Assert.Equal(3, sent + failed);
            Assert.Equal(sent.ToString(), cut.Find("[data-testid=total-sent]").TextContent);
            Assert.NotEqual("KES 500.00", cut.Find("[data-testid=total-credit]").TextContent);
        }, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Running_campaigns_come_first_then_paused_and_queued_then_the_finished_newest_first()
    {
        var done = new LiveCampaign(CampaignData.View(CampaignStatus.Completed, name: "done", finished: DateTime.UtcNow.AddMinutes(-30)), 0);
        var latest = new LiveCampaign(CampaignData.View(CampaignStatus.Cancelled, name: "latest", finished: DateTime.UtcNow.AddMinutes(-1)), 0);
        var paused = new LiveCampaign(CampaignData.View(CampaignStatus.Paused, name: "paused"), 0);
        var running = new LiveCampaign(CampaignData.View(CampaignStatus.Running, name: "running"), 0);

        var order = LiveCampaign.Order([done, latest, paused, running]).Select(c => c.Campaign.Name);

        Assert.Equal(["running", "paused", "latest", "done"], order);
    }

    [Fact]
    public void A_running_campaign_shows_its_pace_and_the_time_it_still_needs()
    {
        var live = new LiveCampaign(CampaignData.View(CampaignStatus.Running, recipients: 1000, sent: 400, delivered: 300, undelivered: 0, failed: 0, queued: 600), 120);

        var cut = Render<MonitorTile>(p => p.Add(t => t.Live, live).Add(t => t.Started, "14:05"));

        Assert.Equal("120 a minute", cut.Find("[data-testid=monitor-rate]").TextContent);
        Assert.Equal("about 5 min left", cut.Find("[data-testid=monitor-remaining]").TextContent);
    }
}
