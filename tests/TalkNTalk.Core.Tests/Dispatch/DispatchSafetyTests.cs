using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Wallets;
using static TalkNTalk.Core.Tests.Dispatch.DispatcherTests;

namespace TalkNTalk.Core.Tests.Dispatch;

/// <summary>What the hardening found: nothing lost, nothing sent twice, stop means stop, a failing provider is left alone.</summary>
public sealed class DispatchSafetyTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(FastProvider);
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task A_crash_hands_nothing_twice_to_a_provider_that_does_not_de_duplicate()
    {
        var log = Path.GetTempFileName();
        await using var services = await TestServices.StartAsync(Settings(("SimulatedProvider:Deduplicates", "false"), ("SimulatedProvider:SubmissionLog", log)));
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 120);
        var provider = services.Get<SimulatedSmsProvider>();

        // The process dies after the provider took 25 messages of the first part of 40; no answer comes back.
        _ = NewDispatcher(services, new DieAfter(provider, 25)).RunOnceAsync();
        await WaitUntilAsync(() => provider.Submissions.Count >= 25);
        await WaitUntilAsync(() => File.ReadAllLines(log).Length >= 25);

        // The next process: the part's messages may be with the provider, so none is handed over again.
        var next = NewDispatcher(services, provider);
        await next.RecoverAsync();
        await RunUntilIdleAsync(next);
        // The network sends the reports it owed for the 25 it had (the simulator's recovery at start).
        await using (var db = services.NewDb())
        {
            var waiting = await db.Messages.Where(m => m.Status == MessageStatus.Sent || m.Status == MessageStatus.Unknown).Select(m => new { m.Id, m.Status }).ToListAsync();
            await provider.ResendOwedReportsAsync(waiting.Select(w => (w.Id, w.Status == MessageStatus.Unknown)), default);
        }
        await RunUntilIdleAsync(next);

        var lines = File.ReadAllLines(log).Select(l => l.Split(' ')).ToList();
        var received = lines.ToDictionary(p => Guid.Parse(p[0]), p => p[1] == "accepted");
        Assert.Equal(120 - 15, received.Count); // all but the 15 below, none twice (a repeat would have failed ToDictionary)
        Assert.All(provider.Submissions.Values, n => Assert.Equal(1, n));
        await using var after = services.NewDb();
        var messages = await after.Messages.ToListAsync();
        var unknown = messages.Where(m => m.Status == MessageStatus.Unknown).ToList();
        // Unknown: the 15 of the part (the batch of 40, marked Submitting as it was claimed) that never reached the
        // network, and those it refused before the crash (no report will ever come for them). An admin decides. The
        // accepted ones were settled by their reports.
        Assert.Equal(40 - 25 + lines.Take(25).Count(p => p[1] == "rejected"), unknown.Count);
        Assert.All(unknown, m => Assert.False(received.GetValueOrDefault(m.Id)));
        Assert.DoesNotContain(messages, m => m.Status is MessageStatus.Queued or MessageStatus.Submitting);
        var campaign = await after.Campaigns.SingleAsync();
        Assert.Equal(CampaignStatus.Completed, campaign.Status);
        // Unknown messages keep their credit reserved; everything else is charged or refunded exactly.
        var wallet = await after.Wallets.SingleAsync();
        var charged = messages.Where(m => m.Status is MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Undelivered).Sum(m => m.Cost);
        Assert.Equal((500m - charged - unknown.Sum(m => m.Cost), unknown.Sum(m => m.Cost)), (wallet.Available, wallet.Reserved));
        Assert.Equal(charged, campaign.ActualCost);

        // An admin sends the unknown ones again: the finished campaign runs for them and completes once more.
        Assert.Equal(unknown.Count, await services.Get<CampaignQueries>().SettleUnknownAsync(org, campaign.Id, sendAgain: true));
        await RunUntilIdleAsync(next);
        await using var settled = services.NewDb();
        Assert.Equal(0, await settled.Messages.CountAsync(m => m.Status == MessageStatus.Unknown || m.Status == MessageStatus.Queued));
        Assert.Equal(CampaignStatus.Completed, (await settled.Campaigns.SingleAsync()).Status);
        Assert.Equal(0m, (await settled.Wallets.SingleAsync()).Reserved);
        File.Delete(log);
    }

    [Fact]
    public async Task A_graceful_stop_records_what_was_in_flight_and_hands_nothing_else_over()
    {
        await using var services = await TestServices.StartAsync(Settings(("Dispatch:MaxConcurrency", "4"), ("SimulatedProvider:Deduplicates", "false")));
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 40);
        var provider = services.Get<SimulatedSmsProvider>();
        using var stop = new CancellationTokenSource();
        var dispatcher = NewDispatcher(services, new StopAfter(provider, 6, stop));

        await dispatcher.RunOnceAsync(stop.Token);

        await using var db = services.NewDb();
        var byStatus = await db.Messages.GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        var handedOver = provider.Submissions.Count;
        Assert.InRange(handedOver, 6, 9); // the six, and at most the three others already in flight
        Assert.Equal(40 - handedOver, byStatus.GetValueOrDefault(MessageStatus.Queued)); // the rest went back, unclaimed
        Assert.Equal(0, await db.Messages.CountAsync(m => m.ClaimedAt != null || m.Status == MessageStatus.Submitting || m.Status == MessageStatus.Unknown));
        Assert.All(provider.Submissions.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Cancel_stops_the_hand_over_within_a_part_and_refunds_the_rest()
    {
        await using var services = await TestServices.StartAsync(Settings(("Dispatch:MaxConcurrency", "2"), ("Dispatch:BatchSize", "100")));
        var org = await services.CreateOrganisationAsync(credit: 500m);
        var campaign = await SendAsync(services, org, 100);
        var queries = services.Get<CampaignQueries>();
        var provider = services.Get<SimulatedSmsProvider>();
        CancelResult? cancel = null;
        var dispatcher = NewDispatcher(services, new OnSubmission(provider, 10, async () => cancel = await queries.CancelAsync(org, campaign)));

        await RunUntilIdleAsync(dispatcher);

        // Parts are four rounds of two in flight: the cancel at the 10th lands in the second part, which finishes; no third.
        Assert.Equal(16, provider.Submissions.Count);
        Assert.Equal(new CancelResult(100 - 16, 8), cancel); // the second part was on its way
        await using var db = services.NewDb();
        var messages = await db.Messages.ToListAsync();
        Assert.Equal(100 - provider.Submissions.Count, messages.Count(m => m.Status == MessageStatus.Cancelled));
        Assert.DoesNotContain(messages, m => m.Status is MessageStatus.Queued or MessageStatus.Submitting);
        var wallet = await db.Wallets.SingleAsync();
        var charged = messages.Where(m => m.Status is MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Undelivered).Sum(m => m.Cost);
        Assert.Equal((500m - charged, 0m), (wallet.Available, wallet.Reserved));
        Assert.Equal(CampaignStatus.Cancelled, (await db.Campaigns.SingleAsync()).Status);
    }

    [Fact]
    public async Task A_failing_provider_opens_the_circuit_which_probes_with_one_message_and_nothing_is_lost_or_charged()
    {
        await using var services = await TestServices.StartAsync(Settings(("Dispatch:MaxConcurrency", "1")));
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 20);
        var failing = new Failing(services.Get<SimulatedSmsProvider>(), failures: 3);
        var circuit = new CircuitOptions { MinimumAttempts = 2, FailureRatio = 0.5, SamplingSeconds = 30, FirstBreakSeconds = 1, LongestBreakSeconds = 60 };
        var gateway = SmsGateway.Fixed(failing, 0, services.Clock, circuit);
        var dispatcher = NewDispatcher(services, gateway);
        var start = services.Clock.GetUtcNow().UtcDateTime;
        (decimal, decimal) Wallet(TalkNTalk.Core.Data.TalkNTalkDbContext db) => db.Wallets.Select(w => new { w.Available, w.Reserved }).AsEnumerable().Select(w => (w.Available, w.Reserved)).Single();
        (decimal, decimal) before;
        await using (var db = services.NewDb())
            before = Wallet(db);

        await dispatcher.RunOnceAsync();
        await dispatcher.RunOnceAsync();
        Assert.Equal(2, failing.Calls); // two failures open the circuit: nothing more is tried while it is open
        var open = gateway.Health;
        Assert.Equal((GatewayState.Waiting, start, start.AddSeconds(1)), (open.State, open.DownSince, open.RetryAt));
        Assert.Equal("Connection refused (simulated)", open.LastError);
        await using (var db = services.NewDb())
        {
            Assert.Equal(20, await db.Messages.CountAsync(m => m.Status == MessageStatus.Queued && m.ClaimedAt == null));
            Assert.Equal(before, Wallet(db)); // nothing charged, nothing refunded
        }

        services.Clock.Advance(TimeSpan.FromSeconds(1));
        await dispatcher.RunOnceAsync();
        Assert.Equal(3, failing.Calls); // one probe, which fails: the wait doubles
        Assert.Equal(TimeSpan.FromSeconds(2), gateway.Current.Remaining);
        Assert.Equal(start, gateway.Health.DownSince); // the same outage

        services.Clock.Advance(TimeSpan.FromSeconds(2));
        await RunUntilIdleAsync(dispatcher);
        var healthy = gateway.Health;
        Assert.Equal((GatewayState.Sending, (DateTime?)null), (healthy.State, healthy.DownSince));
        await using var after = services.NewDb();
        Assert.Equal(0, await after.Messages.CountAsync(m => m.Status == MessageStatus.Queued || m.ClaimedAt != null));
        Assert.Equal(CampaignStatus.Completed, (await after.Campaigns.SingleAsync()).Status);
        Assert.Equal(23, failing.Calls); // each message handed over once after the outage
    }

    [Fact]
    public async Task A_provider_that_asks_to_slow_down_is_left_alone_for_its_retry_after_without_opening_the_circuit()
    {
        await using var services = await TestServices.StartAsync(Settings(("Dispatch:MaxConcurrency", "1")));
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 5);
        var throttling = new Throttling(services.Get<SimulatedSmsProvider>(), times: 1, TimeSpan.FromSeconds(30));
        var gateway = SmsGateway.Fixed(throttling, 0, services.Clock);
        var dispatcher = NewDispatcher(services, gateway);

        await dispatcher.RunOnceAsync();
        Assert.Equal(1, throttling.Calls);
        Assert.Equal(TimeSpan.FromSeconds(30), gateway.Current.Remaining);
        Assert.False(gateway.Current.Probing); // a 429 is not a failure of the gateway

        services.Clock.Advance(TimeSpan.FromSeconds(30));
        await RunUntilIdleAsync(dispatcher);
        await using var db = services.NewDb();
        Assert.Equal(CampaignStatus.Completed, (await db.Campaigns.SingleAsync()).Status);
        Assert.Equal(6, throttling.Calls);
    }

    [Fact]
    public async Task Delivery_reports_kept_in_the_inbox_survive_a_restart_and_reports_owed_by_the_simulator_are_sent_again()
    {
        await using var services = await TestServices.StartAsync(Settings(("SimulatedProvider:ReceiptDelayMs", "600000")));
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 50);
        await RunUntilIdleAsync(services.Get<Dispatcher>());
        await using (var db = services.NewDb())
            Assert.True(await db.Messages.CountAsync(m => m.Status == MessageStatus.Sent) > 0); // reports not yet sent

        // A report arrives and is kept; then the process stops before applying it, and the simulator's timers die with it.
        var first = await FirstSentAsync(services);
        await services.Get<IDeliveryReceiptSink>().PostAsync([new DeliveryReceipt(null, true, null, services.Clock.GetUtcNow().UtcDateTime, first)]);
        await new SimulatedProviderRecovery(services.Get<IDbContextFactory<TalkNTalk.Core.Data.TalkNTalkDbContext>>(), services.Get<ChannelGateways>(),
            services.Get<TalkNTalk.Core.Data.DatabaseReadiness>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<SimulatedProviderRecovery>.Instance).ResendOwedReportsAsync(default);
        var restarted = NewDispatcher(services, services.Get<SimulatedSmsProvider>());
        await restarted.RecoverAsync();
        await RunUntilIdleAsync(restarted);

        await using var after = services.NewDb();
        Assert.Equal(0, await after.Messages.CountAsync(m => m.Status == MessageStatus.Sent));
        Assert.Equal(MessageStatus.Delivered, (await after.Messages.SingleAsync(m => m.Id == first)).Status);
        Assert.Equal(0, await after.DeliveryInbox.CountAsync());
        var campaign = await after.Campaigns.SingleAsync();
        Assert.Equal(await after.Messages.CountAsync(m => m.Status == MessageStatus.Delivered), campaign.DeliveredCount);
    }

    [Fact]
    public async Task A_report_that_overtakes_the_answer_waits_for_it_and_an_unknown_message_is_settled_and_charged_by_its_report()
    {
        await using var services = await TestServices.StartAsync(Settings(("SimulatedProvider:FailureRate", "0")));
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 2);
        Guid early, unknown;
        await using (var db = services.NewDb())
        {
            var ids = await db.Messages.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync();
            (early, unknown) = (ids[0], ids[1]);
            await db.Messages.Where(m => m.Id == unknown).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Unknown));
        }
        var sink = services.Get<IDeliveryReceiptSink>();
        var now = services.Clock.GetUtcNow().UtcDateTime;
        await sink.PostAsync([new DeliveryReceipt(null, false, "absent_subscriber", now, early), new DeliveryReceipt(null, true, null, now, unknown)]);
        var dispatcher = NewDispatcher(services, new Failing(services.Get<SimulatedSmsProvider>(), failures: 1000));

        await dispatcher.RunOnceAsync(); // the provider does not answer: the early report waits, the unknown one applies
        await using (var db = services.NewDb())
        {
            Assert.Equal(MessageStatus.Delivered, (await db.Messages.SingleAsync(m => m.Id == unknown)).Status);
            var waiting = await db.DeliveryInbox.SingleAsync();
            Assert.Equal((early, 1), (waiting.MessageId, waiting.Attempts));
            Assert.Equal(1m, (await db.Campaigns.SingleAsync()).ActualCost); // the network had it: charged
        }

        services.Clock.Advance(TimeSpan.FromMinutes(5));
        await RunUntilIdleAsync(NewDispatcher(services, services.Get<SimulatedSmsProvider>()));
        await using var after = services.NewDb();
        var message = await after.Messages.SingleAsync(m => m.Id == early);
        Assert.Equal(MessageStatus.Undelivered, message.Status);
        Assert.Null(message.DeliveredAt); // undelivered messages have no delivery time
        Assert.True(message.UpdatedAt >= message.SentAt);
        Assert.Equal(0, await after.DeliveryInbox.CountAsync());
        var wallet = await after.Wallets.SingleAsync();
        Assert.Equal((498m, 0m), (wallet.Available, wallet.Reserved));
    }

    [Fact]
    public async Task A_report_waiting_for_the_answer_of_a_process_that_died_settles_its_message_at_the_next_start()
    {
        await using var services = await TestServices.StartAsync(Settings(("SimulatedProvider:FailureRate", "0")));
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 1);
        Guid id;
        await using (var db = services.NewDb())
        {
            // The process marked it, handed it over, and died before the answer was recorded; its report came first.
            id = await db.Messages.Select(m => m.Id).SingleAsync();
            await db.Messages.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Submitting));
        }
        await services.Get<IDeliveryReceiptSink>().PostAsync([new DeliveryReceipt(null, true, null, services.Clock.GetUtcNow().UtcDateTime, id)]);
        await NewDispatcher(services, new Failing(services.Get<SimulatedSmsProvider>(), failures: 1000)).RunOnceAsync();
        await using (var db = services.NewDb())
            Assert.NotNull((await db.DeliveryInbox.SingleAsync()).RetryAt); // waits for the answer

        // The next process starts at once: the report need not wait out its retry.
        var restarted = NewDispatcher(services, services.Get<SimulatedSmsProvider>());
        await restarted.RecoverAsync();
        await restarted.RunOnceAsync();
        await using var after = services.NewDb();
        Assert.Equal(MessageStatus.Delivered, (await after.Messages.SingleAsync()).Status);
        Assert.Equal(0, await after.DeliveryInbox.CountAsync());
        Assert.Equal(1m, (await after.Campaigns.SingleAsync()).ActualCost); // the network had it: charged
    }

    private static async Task<Guid> FirstSentAsync(TestServices services)
    {
        await using var db = services.NewDb();
        return await db.Messages.Where(m => m.Status == MessageStatus.Sent).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync();
    }

    /// <summary>Asks the host to stop once a number of messages were handed over.</summary>
    private sealed class StopAfter(IMessageProvider inner, int count, CancellationTokenSource stop) : IMessageProvider
    {
        private int _submitted;

        public bool DeduplicatesByMessageId => inner.DeduplicatesByMessageId;

        public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
        {
            var result = await inner.SubmitAsync(request, ct);
            if (Interlocked.Increment(ref _submitted) == count)
                await stop.CancelAsync();
            return result;
        }

        public Task<bool> HasCreditAsync(CancellationToken ct) => inner.HasCreditAsync(ct);
    }

    /// <summary>Runs something (a cancel, a pause) when the nth message is handed over.</summary>
    private sealed class OnSubmission(IMessageProvider inner, int at, Func<Task> action) : IMessageProvider
    {
        private int _submitted;

        public bool DeduplicatesByMessageId => inner.DeduplicatesByMessageId;

        public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _submitted) == at)
                await action();
            return await inner.SubmitAsync(request, ct);
        }

        public Task<bool> HasCreditAsync(CancellationToken ct) => inner.HasCreditAsync(ct);
    }

    /// <summary>A gateway that answers 429 with Retry-After for its first calls.</summary>
    private sealed class Throttling(IMessageProvider inner, int times, TimeSpan retryAfter) : IMessageProvider
    {
        public int Calls;

        public bool DeduplicatesByMessageId => inner.DeduplicatesByMessageId;

        public Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct) =>
            Interlocked.Increment(ref Calls) <= times
                ? throw new ProviderThrottledException("Too many requests (simulated)", retryAfter)
                : inner.SubmitAsync(request, ct);

        public Task<bool> HasCreditAsync(CancellationToken ct) => inner.HasCreditAsync(ct);
    }

    /// <summary>A gateway that is down for its first calls: the connection is refused, so nothing was taken.</summary>
    private sealed class Failing(IMessageProvider inner, int failures) : IMessageProvider
    {
        public int Calls;

        public bool DeduplicatesByMessageId => inner.DeduplicatesByMessageId;

        public Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct) =>
            Interlocked.Increment(ref Calls) <= failures
                ? throw new ProviderUnavailableException("Connection refused (simulated)")
                : inner.SubmitAsync(request, ct);

        public Task<bool> HasCreditAsync(CancellationToken ct) => inner.HasCreditAsync(ct);
    }
}
