using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Tests.Dispatch;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Campaigns;

/// <summary>What the campaign page, its chart and the monitor read agree with the messages themselves.</summary>
public sealed class CampaignOutcomeTests
{
    [Fact]
    public async Task The_chart_the_figures_and_todays_totals_agree_with_the_campaigns_counts()
    {
        await using var services = await TestServices.StartAsync(DispatcherTests.FastProvider);
        var org = await services.CreateOrganisationAsync(credit: 500m);
        var id = (await services.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = org, Message = "Your statement is ready.", Numbers = Enumerable.Range(0, 100).Select(i => $"0712{i:D6}").ToList(),
        })).CampaignId!.Value;
        var dispatcher = services.Get<Dispatcher>();
        for (var cycles = 0; cycles < 1000 && await dispatcher.RunOnceAsync(); cycles++)
        {
        }

        var queries = services.Get<CampaignQueries>();
        var view = await queries.GetAsync(org, id);
        var figures = CampaignFigures.Of(view);
        await using var db = services.NewDb();
        var undelivered = await db.Messages.CountAsync(m => m.CampaignId == id && m.Status == Core.Messages.MessageStatus.Undelivered);

        Assert.True(view.FailedCount > 0 && undelivered > 0);
        Assert.Equal(undelivered, figures.Undelivered);
        Assert.Equal(view.SentCount, figures.Delivered + figures.Undelivered);
        Assert.Equal(Math.Round(100m * view.DeliveredCount / view.SentCount, 1, MidpointRounding.AwayFromZero), figures.DeliveredOfSent);
        Assert.Equal(100, figures.ProcessedPercent);

        var last = (await queries.ProgressAsync(org, id))[^1];
        Assert.Equal((view.SentCount, view.DeliveredCount, view.FailedCount), (last.Sent, last.Delivered, last.Failed));

        var today = await queries.TodayAsync(org, "Africa/Nairobi");
        Assert.Equal(new DayTotals(view.SentCount, view.DeliveredCount, view.FailedCount), today);
    }

    [Fact]
    public void Delivered_is_a_share_of_sent_while_the_api_rate_keeps_sent_of_recipients()
    {
        var cancelled = new CampaignView(Guid.Empty, "", "", "", default, CampaignStatus.Cancelled, default,
            1000, 64, 60, 0, 0, 0, 936, 0, 0, null, default, null, null, null, 2);

        Assert.Equal(6.4m, cancelled.DeliveryRate); // the API's documented delivery_rate
        Assert.Equal("Delivered 93.8% of sent", CampaignFigures.Of(cancelled).DeliveredOfSentText);
        Assert.Equal(936, CampaignFigures.Of(cancelled).Cancelled);
    }

    [Fact]
    public async Task A_batch_recorded_in_parts_ends_with_exact_counts()
    {
        // Four a second: a part is one message, and four messages fit the first second's window without waiting.
        var settings = new Dictionary<string, string?>(DispatcherTests.FastProvider) { ["SimulatedProvider:MessagesPerSecond"] = "4", ["SimulatedProvider:FailureRate"] = "0" };
        await using var services = await TestServices.StartAsync(settings);
        var org = await services.CreateOrganisationAsync(credit: 500m);
        var id = (await services.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = org, Message = "Your statement is ready.", Numbers = Enumerable.Range(0, 4).Select(i => $"0712{i:D6}").ToList(),
        })).CampaignId!.Value;
        await services.Get<Dispatcher>().RunOnceAsync();
        await services.Get<Dispatcher>().RunOnceAsync(); // receipts

        var view = await services.Get<CampaignQueries>().GetAsync(org, id);
        Assert.Equal(CampaignStatus.Completed, view.Status);
        Assert.Equal(4, view.SentCount);
        Assert.Equal(4, view.DeliveredCount + view.UndeliveredCount);
    }
}
