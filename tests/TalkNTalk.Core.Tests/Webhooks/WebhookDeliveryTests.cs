using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>The worker against a real loopback receiver: what arrives, signed how, retried when, and after a crash.</summary>
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task A_campaign_sends_sent_delivered_and_failed_events_signed_with_the_endpoint_secret()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        var campaignId = await scenario.SendAndDispatchAsync(60);

        await scenario.DeliverDueAsync();

        await using var db = scenario.Services.NewDb();
        var messages = await db.Messages.AsNoTracking().ToDictionaryAsync(m => m.Id);
        var expected = messages.Values.SelectMany(m => m.Status switch
        {
            MessageStatus.Failed => new[] { (m.Id, "sms.failed", "failed") },
            MessageStatus.Delivered => [(m.Id, "sms.sent", "sent"), (m.Id, "sms.delivered", "delivered")],
            _ => [(m.Id, "sms.sent", "sent"), (m.Id, "sms.failed", "undelivered")],
        }).ToHashSet();
        Assert.Contains(expected, e => e.Item2 == "sms.failed" && e.Item3 == "failed");
        Assert.Contains(expected, e => e.Item2 == "sms.failed" && e.Item3 == "undelivered");

        var calls = scenario.Receiver.Calls;
        Assert.Equal(expected.Count, calls.Count);
        var received = new HashSet<(Guid, string, string)>();
        foreach (var call in calls)
        {
            Assert.True(WebhookVerification.IsFromTalkNTalk(call.Signature, call.Body, scenario.Secret, scenario.Now), call.Signature);
            Assert.False(WebhookVerification.IsFromTalkNTalk(call.Signature, call.Body, "whsec_not-the-secret", scenario.Now));
            var json = call.Json;
            Assert.Equal(call.EventId, json.GetProperty("id").GetString());
            Assert.Equal(call.Event, json.GetProperty("event").GetString());
            Assert.Equal(1, call.Attempt);
            var message = messages[json.GetProperty("message_id").GetGuid()];
            Assert.Equal(campaignId, json.GetProperty("campaign_id").GetGuid());
            Assert.Equal(message.Mobile, json.GetProperty("mobile").GetString());
            Assert.Matches(@"^2026-11-25T09:00:00\+03:00$", json.GetProperty("timestamp").GetString()!);
            var status = json.GetProperty("status").GetString()!;
            if (status is "failed" or "undelivered")
                Assert.Equal(message.ErrorCode, json.GetProperty("error").GetProperty("code").GetString());
            else
                Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("error").ValueKind);
            received.Add((message.Id, call.Event, status));
        }
        Assert.Equal(expected, received);

        var deliveries = await scenario.DeliveriesAsync();
        Assert.All(deliveries, d => Assert.Equal((WebhookDeliveryStatus.Succeeded, 1, 200, (DateTime?)null), (d.Status, d.Attempts, d.ResponseStatus, d.NextAttemptAt)));
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Finished_deliveries_leave_the_log_after_the_kept_days_while_pending_ones_stay_however_old()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable(("Webhooks:KeepDeliveriesDays", "30")));
        var clock = scenario.Services.Clock;
        await scenario.SendAndDispatchAsync(4);
        await scenario.DeliverDueAsync(); // 4 succeeded
        scenario.Receiver.Answer = call => (call.Event == "sms.sent" && call.Json.GetProperty("mobile").GetString() == "254712000000" ? 400 : 500, null);
        await scenario.SendAndDispatchAsync(2);
        await scenario.DeliverDueAsync(); // one given up (400), one waiting to be retried (500)
        var old = await scenario.DeliveriesAsync();
        Assert.Equal([4, 1, 1], new[] { WebhookDeliveryStatus.Succeeded, WebhookDeliveryStatus.Failed, WebhookDeliveryStatus.Pending }
            .Select(status => old.Count(d => d.Status == status)));

        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await scenario.Worker.PurgeAsync()); // not yet 30 days old

        clock.Advance(TimeSpan.FromMinutes(2));
        await scenario.SendAndDispatchAsync(1); // a young event, not yet delivered
        Assert.Equal(5, await scenario.Worker.PurgeAsync());

        var left = await scenario.DeliveriesAsync();
        Assert.Equal(2, left.Count);
        Assert.Equal(old.Single(d => d.Status == WebhookDeliveryStatus.Pending).Id, left[0].Id); // still retried later
        Assert.Equal((WebhookDeliveryStatus.Pending, 0), (left[1].Status, left[1].Attempts));
        Assert.Equal(0, await scenario.Worker.PurgeAsync());

        // The worker still takes up the young event after the purge.
        scenario.Receiver.Answer = _ => (200, null);
        await scenario.DeliverDueAsync();
        var delivered = await scenario.DeliveriesAsync();
        Assert.All(delivered, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));

        // When everything is old, the newest row still stays: its id is not handed out again, and new events follow it.
        clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, await scenario.Worker.PurgeAsync());
        Assert.Equal(delivered[^1].Id, Assert.Single(await scenario.DeliveriesAsync()).Id);
        await scenario.SendAndDispatchAsync(1);
        await scenario.DeliverDueAsync();
        var next = (await scenario.DeliveriesAsync())[^1];
        Assert.Equal((delivered[^1].Id + 1, WebhookDeliveryStatus.Succeeded), (next.Id, next.Status));
    }

    [Fact]
    public async Task Server_errors_are_retried_with_exponential_backoff_until_the_receiver_accepts()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable());
        scenario.Receiver.Answer = call => (call.Attempt < 3 ? 500 : 200, null);
        await scenario.SendAndDispatchAsync(1);
        var clock = scenario.Services.Clock;
        var start = clock.GetUtcNow().UtcDateTime;

        await scenario.DeliverDueAsync();
        var first = Assert.Single(await scenario.DeliveriesAsync());
        Assert.Equal((WebhookDeliveryStatus.Pending, 1, 500), (first.Status, first.Attempts, first.ResponseStatus));
        Assert.Equal("HTTP 500: receiver says 500", first.LastError);
        // 60 s, spread by ±20 %.
        Assert.InRange(first.NextAttemptAt!.Value, start.AddSeconds(48), start.AddSeconds(72));

        // Nothing goes out before the time comes.
        clock.SetUtcNow(first.NextAttemptAt.Value.AddSeconds(-1));
        await scenario.DeliverDueAsync();
        Assert.Equal(1, scenario.Receiver.Count);

        clock.SetUtcNow(first.NextAttemptAt.Value);
        await scenario.DeliverDueAsync();
        var second = Assert.Single(await scenario.DeliveriesAsync());
        Assert.Equal((WebhookDeliveryStatus.Pending, 2), (second.Status, second.Attempts));
        // Doubled: 120 s ± 20 %.
        Assert.InRange(second.NextAttemptAt!.Value, first.NextAttemptAt.Value.AddSeconds(96), first.NextAttemptAt.Value.AddSeconds(144));

        clock.SetUtcNow(second.NextAttemptAt.Value);
        await scenario.DeliverDueAsync();
        var done = Assert.Single(await scenario.DeliveriesAsync());
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 3, 200, (DateTime?)null), (done.Status, done.Attempts, done.ResponseStatus, done.NextAttemptAt));

        var calls = scenario.Receiver.Calls;
        Assert.Equal([1, 2, 3], calls.Select(c => c.Attempt));
        Assert.Single(calls.Select(c => c.EventId).Distinct());
        Assert.Equal(Convert.ToHexString(calls[0].Body), Convert.ToHexString(calls[2].Body)); // the same event, byte for byte
        Assert.Equal(0, (await scenario.EndpointAsync()).ConsecutiveFailures);
    }

    [Fact]
    public async Task Too_many_requests_waits_as_long_as_retry_after_says()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable());
        scenario.Receiver.Answer = call => call.Attempt == 1 ? (429, "5") : (200, null);
        await scenario.SendAndDispatchAsync(1);
        var start = scenario.Services.Clock.GetUtcNow().UtcDateTime;

        await scenario.DeliverDueAsync();

        var delivery = Assert.Single(await scenario.DeliveriesAsync());
        Assert.Equal((WebhookDeliveryStatus.Pending, 429, start.AddSeconds(5)), (delivery.Status, delivery.ResponseStatus, delivery.NextAttemptAt));
        scenario.Services.Clock.Advance(TimeSpan.FromSeconds(5));
        await scenario.DeliverDueAsync();
        Assert.Equal(WebhookDeliveryStatus.Succeeded, Assert.Single(await scenario.DeliveriesAsync()).Status);
    }

    [Fact]
    public async Task Gone_stops_the_event_and_disables_the_endpoint()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable());
        scenario.Receiver.Answer = _ => (410, null);
        await scenario.SendAndDispatchAsync(1);
        using var notified = new SemaphoreSlim(0);
        using var subscription = scenario.Services.Get<WebhookNotifier>().Subscribe(scenario.OrganisationId, () => Task.FromResult(notified.Release()));

        await scenario.DeliverDueAsync();
        scenario.Services.Clock.Advance(TimeSpan.FromDays(2));
        await scenario.DeliverDueAsync();

        Assert.Equal(1, scenario.Receiver.Count);
        var delivery = Assert.Single(await scenario.DeliveriesAsync());
        Assert.Equal((WebhookDeliveryStatus.Failed, 1, 410, (DateTime?)null), (delivery.Status, delivery.Attempts, delivery.ResponseStatus, delivery.NextAttemptAt));
        var endpoint = await scenario.EndpointAsync();
        Assert.False(endpoint.Enabled);
        Assert.Contains("410", endpoint.DisabledReason);
        Assert.Single(await scenario.Webhooks.DisabledByFailuresAsync(scenario.OrganisationId));
        Assert.True(await notified.WaitAsync(TimeSpan.FromSeconds(10)));

        // A disabled endpoint gets no new events.
        await scenario.SendAndDispatchAsync(3);
        Assert.Single(await scenario.DeliveriesAsync());
    }

    [Fact]
    public async Task Other_client_errors_are_not_retried_and_leave_the_endpoint_enabled()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable());
        scenario.Receiver.Answer = _ => (400, null);
        await scenario.SendAndDispatchAsync(2);

        await scenario.DeliverDueAsync();
        scenario.Services.Clock.Advance(TimeSpan.FromDays(2));
        await scenario.DeliverDueAsync();

        Assert.Equal(2, scenario.Receiver.Count);
        Assert.All(await scenario.DeliveriesAsync(), d => Assert.Equal((WebhookDeliveryStatus.Failed, 1), (d.Status, d.Attempts)));
        var endpoint = await scenario.EndpointAsync();
        Assert.True(endpoint.Enabled);
        Assert.Equal(2, endpoint.ConsecutiveFailures);
    }

    [Fact]
    public async Task An_endpoint_failing_too_often_is_disabled_with_its_events_kept_and_sent_once_enabled_again()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable(("Webhooks:DisableAfterConsecutiveFailures", "3")));
        scenario.Receiver.Answer = _ => (503, null);
        await scenario.SendAndDispatchAsync(5);

        await scenario.DeliverDueAsync();

        var endpoint = await scenario.EndpointAsync();
        Assert.False(endpoint.Enabled);
        Assert.StartsWith("5 deliveries in a row failed", endpoint.DisabledReason);
        var paused = await scenario.DeliveriesAsync();
        Assert.All(paused, d => Assert.Equal((WebhookDeliveryStatus.Pending, (DateTime?)null), (d.Status, d.NextAttemptAt)));
        scenario.Services.Clock.Advance(TimeSpan.FromDays(1));
        await scenario.DeliverDueAsync();
        Assert.Equal(5, scenario.Receiver.Count);

        scenario.Receiver.Answer = _ => (200, null);
        await scenario.Webhooks.SetEnabledAsync(scenario.OrganisationId, scenario.EndpointId, enabled: true);
        Assert.Empty(await scenario.Webhooks.DisabledByFailuresAsync(scenario.OrganisationId));
        await scenario.DeliverDueAsync();

        Assert.All(await scenario.DeliveriesAsync(), d => Assert.Equal((WebhookDeliveryStatus.Succeeded, 2), (d.Status, d.Attempts)));
        Assert.Equal(0, (await scenario.EndpointAsync()).ConsecutiveFailures);
    }

    [Fact]
    public async Task A_silent_endpoint_is_held_back_and_costs_the_other_endpoints_nothing()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable(("Webhooks:TimeoutSeconds", "3")));
        await using var silent = await WebhookReceiver.StartAsync();
        silent.BeforeAnswer = (_, aborted) => Task.Delay(TimeSpan.FromSeconds(30), aborted); // far past the timeout
        await scenario.Webhooks.CreateAsync(scenario.OrganisationId, silent.Url, "Silent", WebhookEvents.Sent, null);

        await scenario.SendAndDispatchAsync(20);
        await scenario.DeliverDueAsync();

        // The healthy endpoint got every event; the silent one only those already on their way when the first timed out.
        Assert.Equal(20, scenario.Receiver.Count);
        var maxConcurrency = int.Parse(WebhookScenario.Settings["Webhooks:MaxConcurrency"]!);
        Assert.InRange(silent.Count, 1, maxConcurrency);
        var silentRows = (await scenario.DeliveriesAsync()).Where(d => d.EndpointId != scenario.EndpointId).ToList();
        Assert.Equal(20, silentRows.Count);
        Assert.All(silentRows, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        Assert.All(silentRows.Where(d => d.Attempts == 1), d => Assert.StartsWith("No answer within 3 s", d.LastError));
        Assert.All(silentRows.Where(d => d.Attempts == 0), d => Assert.Equal(WebhookWorker.HeldBackNote, d.LastError));
        var retry = silentRows.Where(d => d.Attempts == 1).Min(d => d.NextAttemptAt);
        Assert.All(silentRows, d => Assert.True(d.NextAttemptAt >= retry));

        // A second campaign while it is held: the healthy endpoint gets it, the silent one is not called again.
        var calls = silent.Count;
        await scenario.SendAndDispatchAsync(10);
        await scenario.DeliverDueAsync();
        Assert.Equal(30, scenario.Receiver.Count);
        Assert.Equal(calls, silent.Count);

        // Once the receiver answers again, the retry sends everything that waited.
        silent.BeforeAnswer = null;
        scenario.Services.Clock.Advance(TimeSpan.FromMinutes(5));
        await scenario.DeliverDueAsync();
        Assert.All(await scenario.DeliveriesAsync(), d => Assert.Equal((WebhookDeliveryStatus.Succeeded, null), (d.Status, d.LastError)));
        Assert.Equal(30, silent.Calls.Select(c => c.EventId).Distinct().Count());
    }

    [Fact]
    public async Task A_restart_mid_delivery_delivers_every_event_at_least_once_and_the_event_id_exposes_duplicates()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        // A first campaign is delivered in full before the crash: it must not go out again.
        await scenario.SendAndDispatchAsync(10);
        await scenario.DeliverDueAsync();
        var before = scenario.Receiver.Calls.Select(c => c.EventId).ToHashSet();
        await scenario.SendAndDispatchAsync(40);
        var expected = (await scenario.DeliveriesAsync()).Select(d => d.EventId).Except(before).ToHashSet();

        // The process dies after the receiver took 10 events, before the worker could record them.
        using var kill = new CancellationTokenSource();
        scenario.Receiver.OnCall = _ =>
        {
            if (scenario.Receiver.Count == before.Count + 10)
                kill.Cancel();
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scenario.Worker.RunOnceAsync(kill.Token));
        scenario.Receiver.OnCall = null;
        Assert.All((await scenario.DeliveriesAsync()).Where(d => expected.Contains(d.EventId)), d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));

        // The next process starts on the same database.
        await scenario.DeliverDueAsync(scenario.NewWorker());

        var calls = scenario.Receiver.Calls.Skip(before.Count).ToList();
        Assert.True(calls.Count > expected.Count, "events taken before the crash arrive again");
        Assert.Equal(before.Count, scenario.Receiver.Calls.Count(c => before.Contains(c.EventId)));
        // What a receiver does with the idempotency id: keep the first of each, drop the copies.
        var firstOfEach = calls.DistinctBy(c => c.EventId).ToList();
        Assert.Equal(expected, firstOfEach.Select(c => c.EventId).ToHashSet());
        Assert.All(calls.GroupBy(c => c.EventId), g => Assert.Single(g.Select(c => Convert.ToHexString(c.Body)).Distinct()));
        Assert.All(await scenario.DeliveriesAsync(), d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
    }

    [Fact]
    public async Task A_private_address_is_refused_at_delivery_time_when_not_allowed()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        // The endpoint was saved while private targets were allowed; the operator has since turned that off.
        scenario.Services.Get<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.AllowPrivateTargets = false;

        await scenario.Webhooks.SendTestAsync(scenario.OrganisationId, scenario.EndpointId);
        await scenario.DeliverDueAsync();

        Assert.Equal(0, scenario.Receiver.Count);
        var delivery = Assert.Single(await scenario.DeliveriesAsync());
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Equal("Refused: 127.0.0.1 resolves to 127.0.0.1, a private or local address.", delivery.LastError);
    }
}
