using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Tests.Dispatch;

/// <summary>The dispatcher against a real SQLite file and the simulated provider, cycle by cycle.</summary>
public sealed class DispatcherTests
{
    /// <summary>A provider with no latency and immediate receipts, some failures and non-deliveries, repeatable.</summary>
    internal static readonly Dictionary<string, string?> FastProvider = new()
    {
        ["SimulatedProvider:SubmitLatencyMs"] = "0",
        ["SimulatedProvider:ReceiptDelayMs"] = "0",
        ["SimulatedProvider:FailureRate"] = "0.1",
        ["SimulatedProvider:NonDeliveryRate"] = "0.2",
        ["SimulatedProvider:Seed"] = "7",
        ["SimulatedProvider:MessagesPerSecond"] = "0",
        ["Dispatch:BatchSize"] = "40",
    };

    internal static async Task<Guid> SendAsync(TestServices services, Guid org, int recipients, DateTime? at = null)
    {
        var result = await services.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = org,
            Message = "Your statement is ready.",
            Numbers = Enumerable.Range(0, recipients).Select(i => $"0712{i:D6}").ToList(),
            ScheduledAt = at,
        });
        return result.CampaignId!.Value;
    }

    internal static async Task RunUntilIdleAsync(Dispatcher dispatcher)
    {
        for (var cycles = 0; cycles < 1000 && await dispatcher.RunOnceAsync(); cycles++)
        {
        }
    }

    [Fact]
    public async Task A_campaign_runs_to_completion_with_exact_counts_and_a_balanced_wallet()
    {
        await using var services = await TestServices.StartAsync(FastProvider);
        var org = await services.CreateOrganisationAsync(credit: 500m);
        var campaignId = await SendAsync(services, org, 100);
        var changes = 0;
        using var subscription = services.Get<CampaignNotifier>().Subscribe(campaignId, () =>
        {
            Interlocked.Increment(ref changes);
            return Task.CompletedTask;
        });

        await RunUntilIdleAsync(services.Get<Dispatcher>());

        await using var db = services.NewDb();
        var campaign = await db.Campaigns.SingleAsync();
        var messages = await db.Messages.ToListAsync();
        var byStatus = messages.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        Assert.NotNull(campaign.StartedAt);
        Assert.NotNull(campaign.FinishedAt);
        Assert.DoesNotContain(MessageStatus.Queued, byStatus.Keys);
        Assert.DoesNotContain(MessageStatus.Sent, byStatus.Keys); // every receipt applied
        Assert.Equal(100, byStatus.Values.Sum());
        Assert.True(byStatus.GetValueOrDefault(MessageStatus.Failed) > 0 && byStatus.GetValueOrDefault(MessageStatus.Undelivered) > 0);
        Assert.Equal(100 - byStatus[MessageStatus.Failed], campaign.SentCount);
        Assert.Equal(byStatus[MessageStatus.Delivered], campaign.DeliveredCount);
        Assert.Equal(byStatus[MessageStatus.Failed], campaign.FailedCount);

        // The wallet: nothing left reserved, charged exactly what went out, refunded what failed.
        var wallet = await db.Wallets.SingleAsync();
        Assert.Equal(0m, wallet.Reserved);
        Assert.Equal(500m - campaign.SentCount, wallet.Available);
        Assert.Equal(campaign.SentCount, campaign.ActualCost);
        var ledger = await db.WalletLedger.ToListAsync();
        Assert.Equal(campaign.SentCount, ledger.Where(e => e.Kind == LedgerEntryKind.Charge).Sum(e => e.Amount));
        Assert.Equal(byStatus[MessageStatus.Failed], ledger.Where(e => e.Kind == LedgerEntryKind.Refund).Sum(e => e.Amount));
        Assert.True(changes > 0);
    }

    [Fact]
    public async Task A_crash_mid_batch_hands_messages_again_only_to_a_provider_that_de_duplicates()
    {
        await using var services = await TestServices.StartAsync(FastProvider);
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 120);
        var provider = services.Get<SimulatedSmsProvider>();

        // The first process dies after the provider took 25 messages, before it could record them.
        _ = NewDispatcher(services, new DieAfter(provider, 25)).RunOnceAsync();
        await WaitUntilAsync(() => provider.Submissions.Count >= 25);

        // A new process starts on the same database; the provider (outside world) remembers what it took.
        var next = NewDispatcher(services, provider);
        await next.RecoverAsync();
        await RunUntilIdleAsync(next);

        await using var db = services.NewDb();
        var messages = await db.Messages.ToListAsync();
        Assert.Equal(120, messages.Count);
        Assert.All(messages, m => Assert.NotEqual(MessageStatus.Queued, m.Status));
        Assert.Equal(messages.Count(m => m.Status != MessageStatus.Failed), provider.AcceptedCount);
        Assert.Contains(provider.Submissions.Values, n => n == 2); // handed over again after the crash...
        Assert.Equal(120, provider.Submissions.Count);              // ...but each message exists once at the provider
        var wallet = await db.Wallets.SingleAsync();
        var sent = messages.Count(m => m.Status is MessageStatus.Delivered or MessageStatus.Undelivered or MessageStatus.Sent);
        Assert.Equal((500m - sent, 0m), (wallet.Available, wallet.Reserved));
        Assert.Equal(CampaignStatus.Completed, (await db.Campaigns.SingleAsync()).Status);
    }

    [Fact]
    public async Task Out_of_provider_credit_holds_messages_pauses_the_campaign_and_resumes_when_credit_returns()
    {
        var settings = new Dictionary<string, string?>(FastProvider) { ["SimulatedProvider:Credit"] = "30", ["SimulatedProvider:FailureRate"] = "0" };
        await using var services = await TestServices.StartAsync(settings);
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 50);
        var dispatcher = services.Get<Dispatcher>();

        await RunUntilIdleAsync(dispatcher);
        await using (var db = services.NewDb())
        {
            Assert.Equal(CampaignStatus.Paused, (await db.Campaigns.SingleAsync()).Status);
            // The batch that hit the limit is held; the rest of the campaign stays queued behind the pause.
            Assert.Equal(10, await db.Messages.CountAsync(m => m.Status == MessageStatus.Held));
            Assert.Equal(10, await db.Messages.CountAsync(m => m.Status == MessageStatus.Queued));
            Assert.Equal(20m, (await db.Wallets.SingleAsync()).Reserved); // held credit stays reserved, not lost
        }

        services.Get<SimulatedSmsProvider>().AddCredit(100);
        await RunUntilIdleAsync(dispatcher);

        await using var after = services.NewDb();
        Assert.Equal(CampaignStatus.Completed, (await after.Campaigns.SingleAsync()).Status);
        Assert.Equal(0, await after.Messages.CountAsync(m => m.Status == MessageStatus.Held || m.Status == MessageStatus.Queued));
        Assert.Equal((450m, 0m), (await after.Wallets.SingleAsync()) is var w ? (w.Available, w.Reserved) : default);
    }

    [Fact]
    public async Task A_scheduled_campaign_waits_for_its_time()
    {
        await using var services = await TestServices.StartAsync(FastProvider);
        var org = await services.CreateOrganisationAsync(credit: 100m);
        await SendAsync(services, org, 10, at: services.Clock.GetUtcNow().UtcDateTime.AddHours(2));
        var dispatcher = services.Get<Dispatcher>();

        await RunUntilIdleAsync(dispatcher);
        await using (var db = services.NewDb())
        {
            Assert.Equal(CampaignStatus.Scheduled, (await db.Campaigns.SingleAsync()).Status);
            Assert.Equal(10, await db.Messages.CountAsync(m => m.Status == MessageStatus.Queued));
        }

        services.Clock.Advance(TimeSpan.FromHours(2));
        await RunUntilIdleAsync(dispatcher);

        await using var after = services.NewDb();
        Assert.Equal(CampaignStatus.Completed, (await after.Campaigns.SingleAsync()).Status);
    }

    [Fact]
    public async Task A_promotional_campaign_still_running_at_closing_time_waits_for_the_morning()
    {
        await using var services = await TestServices.StartAsync(FastProvider);
        var org = await services.CreateOrganisationAsync(credit: 500m);
        var senders = services.Get<SenderIdService>();
        var promo = await senders.RegisterAsync(org, "ACMEPROMO", SenderIdCategory.Promotional);
        await senders.ApproveAsync(org, promo.Id, "admin");
        services.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 14, 59, 0, TimeSpan.Zero)); // 17:59 in Nairobi
        await services.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = org, Message = "Offer", SenderId = "ACMEPROMO", Numbers = Enumerable.Range(0, 100).Select(i => $"0712{i:D6}").ToList(),
        });
        var dispatcher = services.Get<Dispatcher>();

        await dispatcher.RunOnceAsync(); // one batch of 40 before closing time
        services.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 15, 1, 0, TimeSpan.Zero)); // 18:01
        await RunUntilIdleAsync(dispatcher);
        await using (var db = services.NewDb())
            Assert.Equal(60, await db.Messages.CountAsync(m => m.Status == MessageStatus.Queued));

        services.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero)); // 08:00 the next day
        await RunUntilIdleAsync(dispatcher);
        await using var after = services.NewDb();
        Assert.Equal(0, await after.Messages.CountAsync(m => m.Status == MessageStatus.Queued));
        Assert.Equal(CampaignStatus.Completed, (await after.Campaigns.SingleAsync()).Status);
    }

    internal static Dispatcher NewDispatcher(TestServices services, IMessageProvider provider, CircuitOptions? circuit = null,
        TalkNTalk.Core.Instances.InstanceRegistry? instance = null) =>
        NewDispatcher(services, SmsGateway.Fixed(provider, services.Get<IOptions<SimulatedProviderOptions>>().Value.MessagesPerSecond, services.Clock, circuit), instance);

    internal static Dispatcher NewDispatcher(TestServices services, SmsGateway gateway, TalkNTalk.Core.Instances.InstanceRegistry? instance = null) =>
        NewDispatcher(services, ChannelGateways.Fixed(gateway), instance);

    internal static Dispatcher NewDispatcher(TestServices services, ChannelGateways gateways, TalkNTalk.Core.Instances.InstanceRegistry? instance = null) => new(
        services.Get<IDbContextFactory<TalkNTalkDbContext>>(), gateways, services.Get<DeliveryReceiptInbox>(), services.Get<DispatchSignal>(), services.Get<DispatchActivity>(), services.Get<WriteTurns>(),
        services.Get<IOptions<DispatchOptions>>(), services.Get<IOptions<SendingOptions>>(), services.Clock, services.Get<CampaignNotifier>(), services.Get<OrganisationCampaignsNotifier>(),
        services.Get<WalletNotifier>(), services.Get<DatabaseReadiness>(), instance ?? NewInstance(services), NullLogger<Dispatcher>.Instance);

    /// <summary>A new process is a new instance: what an earlier dispatcher claimed is not its own.</summary>
    internal static TalkNTalk.Core.Instances.InstanceRegistry NewInstance(TestServices services) => new(
        services.Get<IDbContextFactory<TalkNTalkDbContext>>(), services.Clock, services.Get<IOptions<TalkNTalk.Core.Instances.InstanceOptions>>(),
        NullLogger<TalkNTalk.Core.Instances.InstanceRegistry>.Instance);

    /// <summary>Passes submissions to the real provider; after a number of them the process "dies": nothing answers again.</summary>
    internal sealed class DieAfter(IMessageProvider inner, int count) : IMessageProvider
    {
        private int _submitted;

        public bool DeduplicatesByMessageId => inner.DeduplicatesByMessageId;

        public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _submitted) > count)
                await new TaskCompletionSource().Task; // never answers: the dispatcher never records this part
            return await inner.SubmitAsync(request, ct);
        }

        public Task<bool> HasCreditAsync(CancellationToken ct) => inner.HasCreditAsync(ct);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }
}
