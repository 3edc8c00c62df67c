using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Campaigns;

public sealed class CampaignQueriesTests
{
    private static readonly Dictionary<string, string?> FastProvider = new()
    {
        ["SimulatedProvider:SubmitLatencyMs"] = "0",
        ["SimulatedProvider:ReceiptDelayMs"] = "0",
        ["SimulatedProvider:FailureRate"] = "0",
        ["SimulatedProvider:NonDeliveryRate"] = "0",
        ["SimulatedProvider:MessagesPerSecond"] = "0",
        ["Dispatch:BatchSize"] = "10",
    };

    private static async Task<(TestServices Services, Guid Org, Guid Campaign)> SeedAsync()
    {
        var services = await TestServices.StartAsync(FastProvider);
        var org = await services.CreateOrganisationAsync(credit: 100m);
        var sent = await services.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = org, Message = "Hello", Numbers = Enumerable.Range(0, 30).Select(i => $"0712{i:D6}").ToList(),
        });
        return (services, org, sent.CampaignId!.Value);
    }

    [Fact]
    public async Task Cancelling_mid_run_refunds_exactly_the_unsent_messages()
    {
        var (services, org, campaign) = await SeedAsync();
        await using var _ = services;
        await services.Get<Dispatcher>().RunOnceAsync(); // one batch of 10 goes out
        var queries = services.Get<CampaignQueries>();

        var cancelled = await queries.CancelAsync(org, campaign);

        Assert.Equal(new CancelResult(20, 0), cancelled);
        var view = await queries.GetAsync(org, campaign);
        Assert.Equal((CampaignStatus.Cancelled, 10, 20, 0), (view.Status, view.SentCount, view.CancelledCount, view.QueuedCount));
        await using var db = services.NewDb();
        var wallet = await db.Wallets.SingleAsync();
        Assert.Equal((90m, 0m), (wallet.Available, wallet.Reserved));
        // The dispatcher has nothing left to do for it, and cancelling twice is refused.
        Assert.False(await services.Get<Dispatcher>().RunOnceAsync());
        Assert.Equal("invalid_transition", (await Assert.ThrowsAsync<DomainException>(() => queries.CancelAsync(org, campaign))).Code);
    }

    [Fact]
    public async Task A_paused_campaign_sends_nothing_until_resumed()
    {
        var (services, org, campaign) = await SeedAsync();
        await using var _ = services;
        var queries = services.Get<CampaignQueries>();
        var dispatcher = services.Get<Dispatcher>();

        await queries.PauseAsync(org, campaign);
        await dispatcher.RunOnceAsync();
        Assert.Equal(30, (await queries.GetAsync(org, campaign)).QueuedCount);

        await queries.ResumeAsync(org, campaign);
        while (await dispatcher.RunOnceAsync())
        {
        }
        var done = await queries.GetAsync(org, campaign);
        Assert.Equal((CampaignStatus.Completed, 30, 100.0m), (done.Status, done.SentCount, done.DeliveryRate));
        var (messages, total) = await queries.MessagesAsync(org, campaign, MessageStatus.Delivered, 0, 5);
        Assert.Equal((30, 5), (total, messages.Count));
    }

    [Fact]
    public async Task Lists_filter_and_another_organisations_campaign_is_not_found()
    {
        var (services, org, campaign) = await SeedAsync();
        await using var _ = services;
        var other = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        var queries = services.Get<CampaignQueries>();

        Assert.Equal(1, (await queries.ListAsync(org, new CampaignFilter(CampaignStatus.Queued), 0, 10)).Total);
        Assert.Equal(0, (await queries.ListAsync(org, new CampaignFilter(Source: MessageSource.Api), 0, 10)).Total);
        var sms = (await queries.ListAsync(org, new CampaignFilter(Channel: Channel.Sms), 0, 10)).Items;
        Assert.Equal([Channel.Sms], sms.Select(c => c.Channel));
        Assert.Equal(0, (await queries.ListAsync(org, new CampaignFilter(Channel: Channel.Email), 0, 10)).Total);
        Assert.Empty((await queries.ListAsync(other, new CampaignFilter(), 0, 10)).Items);
        foreach (var attempt in new Func<Task>[]
                 {
                     () => queries.GetAsync(other, campaign),
                     () => queries.CancelAsync(other, campaign),
                     () => queries.PauseAsync(other, campaign),
                     () => queries.MessagesAsync(other, campaign, null, 0, 10),
                 })
            Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(attempt)).Code);
        Assert.Single(await queries.LiveAsync(org, TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(1248, 1245, 99.8)]
    [InlineData(3, 1, 33.3)]
    [InlineData(3, 2, 66.7)]
    [InlineData(0, 0, 0)]
    public void Delivery_rate_is_sent_over_recipients_to_one_decimal(int recipients, int sent, decimal expected)
    {
        var view = new CampaignView(Guid.Empty, "", "", "", default, default, default, recipients, sent, 0, 0, 0, 0, 0, 0, 0, null, default, null, null, null);
        Assert.Equal(expected, view.DeliveryRate);
    }
}
