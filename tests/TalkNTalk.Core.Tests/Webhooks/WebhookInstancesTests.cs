using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Tests.Dispatch;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>
/// Two app instances on one PostgreSQL, each with its own webhook worker: every event goes out once, a batch claimed by
/// an instance that died goes out from the other once the claim ends, and their hourly purges do not collide.
/// </summary>
public sealed class WebhookInstancesTests
{
    private static readonly Dictionary<string, string?> SmallBatches = new() { ["Webhooks:BatchSize"] = "10" };

    [PostgresFact]
    public async Task Two_instances_deliver_every_event_of_a_campaign_exactly_once()
    {
        await using var scenario = await WebhookScenario.StartAsync(settings: SmallBatches);
        await using var second = await scenario.SecondInstanceAsync();
        await scenario.SendAndDispatchAsync(100);
        var expected = (await scenario.DeliveriesAsync()).Select(d => d.EventId).ToList();
        var (first, other) = (scenario.Worker, second.Get<WebhookWorker>());
        var inFlight = int.Parse(WebhookScenario.Settings["Webhooks:MaxConcurrency"]!);

        // Two batches in flight at once: the receiver holds the first instance's calls until the second's have arrived.
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scenario.Receiver.BeforeAnswer = (_, aborted) => open.Task.WaitAsync(aborted);
        var firstBatch = first.RunOnceAsync();
        await DispatcherTests.WaitUntilAsync(() => scenario.Receiver.Count == inFlight);
        var otherBatch = other.RunOnceAsync();
        await DispatcherTests.WaitUntilAsync(() => scenario.Receiver.Count == 2 * inFlight);
        open.SetResult();
        Assert.True(await firstBatch);
        Assert.True(await otherBatch);
        Assert.Equal(20, scenario.Receiver.Calls.Select(c => c.EventId).Distinct().Count());
        scenario.Receiver.BeforeAnswer = null;

        // Then both drain the rest side by side.
        await Task.WhenAll(Task.Run(() => scenario.DeliverDueAsync(first)), Task.Run(() => scenario.DeliverDueAsync(other)));

        Assert.Equal(expected.Order(), scenario.Receiver.Calls.Select(c => c.EventId).Order());
        Assert.All(await scenario.DeliveriesAsync(), d => Assert.Equal((WebhookDeliveryStatus.Succeeded, 1, null), (d.Status, d.Attempts, d.NextAttemptAt)));
    }

    [PostgresFact]
    public async Task A_batch_claimed_by_an_instance_that_died_goes_out_from_the_other_once_the_claim_ends()
    {
        await using var scenario = await WebhookScenario.StartAsync(settings: SmallBatches);
        await using var second = await scenario.SecondInstanceAsync();
        await scenario.SendAndDispatchAsync(20);
        var all = (await scenario.DeliveriesAsync()).Select(d => d.EventId).ToList();
        var lease = scenario.Services.Get<IOptions<WebhookOptions>>().Value.ClaimLease;

        // The first instance claims a batch and dies before it sends any of it: no call, no outcome recorded.
        List<string> orphaned;
        await using (var db = scenario.Services.NewDb())
        {
            var claim = WebhookDueBatch.For(db.Database.GetDbConnection(), lease);
            var taken = await claim.TakeAsync(db, scenario.Services.Clock.GetUtcNow().UtcDateTime, 10, CancellationToken.None);
            orphaned = taken.Due.Select(r => WebhookDelivery.EventIdOf(r.EventType, r.MessageId, r.Id)).ToList();
        }
        Assert.Equal(10, orphaned.Count);

        // The other instance delivers everything else, and leaves the claimed rows alone while the claim lasts.
        var survivor = second.Get<WebhookWorker>();
        await scenario.DeliverDueAsync(survivor);
        Assert.Equal(all.Except(orphaned).Order(), scenario.Receiver.Calls.Select(c => c.EventId).Order());
        second.Clock.Advance(lease - TimeSpan.FromSeconds(1));
        Assert.False(await survivor.RunOnceAsync());
        Assert.Equal(all.Count - orphaned.Count, scenario.Receiver.Count);

        // Once it ends they are due again, and go out once each.
        second.Clock.Advance(TimeSpan.FromSeconds(1));
        await scenario.DeliverDueAsync(survivor);
        Assert.Equal(all.Order(), scenario.Receiver.Calls.Select(c => c.EventId).Order());
        Assert.All(await scenario.DeliveriesAsync(), d => Assert.Equal((WebhookDeliveryStatus.Succeeded, 1), (d.Status, d.Attempts)));
    }

    [PostgresFact]
    public async Task Two_instances_purging_at_once_delete_each_old_delivery_once_and_keep_pending_ones()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable(("Webhooks:KeepDeliveriesDays", "30")));
        await using var second = await scenario.SecondInstanceAsync();
        await scenario.SendAndDispatchAsync(300);
        scenario.Receiver.Answer = call => (call.Json.GetProperty("data").GetProperty("mobile").GetString() == "254712000007" ? 500 : 200, null);
        await scenario.DeliverDueAsync(); // one waits for its retry
        var old = await scenario.DeliveriesAsync();
        var pending = Assert.Single(old, d => d.Status == WebhookDeliveryStatus.Pending);

        foreach (var clock in new[] { scenario.Services.Clock, second.Clock })
            clock.Advance(TimeSpan.FromDays(31));
        var purged = await Task.WhenAll(Task.Run(() => scenario.Worker.PurgeAsync()), Task.Run(() => second.Get<WebhookWorker>().PurgeAsync()));

        // Every finished row but the newest (kept on both engines, see WebhookDeliveryIds) is gone, each deleted by one of them.
        Assert.Equal(old.Count - 2, purged.Sum());
        await using var db = scenario.Services.NewDb();
        Assert.Equal([pending.Id, old[^1].Id], await db.WebhookDeliveries.OrderBy(d => d.Id).Select(d => d.Id).ToListAsync());
    }
}
