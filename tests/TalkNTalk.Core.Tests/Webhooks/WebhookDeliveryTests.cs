using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>The worker against a real loopback receiver: what arrives, signed how, retried when, and after a crash.</summary>
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task A_campaign_sends_sent_delivered_failed_and_undelivered_events_in_talkntalks_shape_signed_with_the_endpoint_secret()
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
            _ => [(m.Id, "sms.sent", "sent"), (m.Id, "sms.undelivered", "undelivered")],
        }).ToHashSet();
        Assert.Contains(expected, e => e.Item2 == "sms.failed");
        Assert.Contains(expected, e => e.Item2 == "sms.undelivered");

        var calls = scenario.Receiver.Calls;
        Assert.Equal(expected.Count, calls.Count);
        var received = new HashSet<(Guid, string, string)>();
        foreach (var call in calls)
        {
            Assert.True(WebhookVerification.IsFromTalkNTalk(call.Signature, call.Body, scenario.Secret, scenario.Now), call.Signature);
            Assert.False(WebhookVerification.IsFromTalkNTalk(call.Signature, call.Body, "whsec_not-the-secret", scenario.Now));
            var json = call.Json;
            Assert.Equal(["id", "event", "timestamp", "data"], json.EnumerateObject().Select(p => p.Name));
            var e = WebhookVerification.ReadEvent(call.Body);
            Assert.Equal(call.EventId, e.Id);
            Assert.Equal(call.Event, e.Event); // the X-TalkNTalk-Event header names the body's event
            Assert.Equal(1, call.Attempt);
            var data = e.Data!.Value;
            Assert.Equal(["id", "mobile", "sender_id", "message", "status", "network", "source", "scheduled_at", "created_at", "updated_at", "channel", "address",
                "campaign_id", "error_code", "error_detail"], data.EnumerateObject().Select(p => p.Name));
            var message = messages[data.GetProperty("id").GetGuid()];
            Assert.Equal($"evt_{message.Id:N}_{e.Event[4..]}", e.Id);
            Assert.Equal(campaignId, data.GetProperty("campaign_id").GetGuid());
            Assert.Equal((message.Address, message.SenderId, message.Body, "safaricom", "web"),
                (data.GetProperty("mobile").GetString(), data.GetProperty("sender_id").GetString(), data.GetProperty("message").GetString(),
                    data.GetProperty("network").GetString(), data.GetProperty("source").GetString()));
            Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(3)), e.Timestamp);
            Assert.Equal(call.Json.GetProperty("timestamp").GetString(), data.GetProperty("updated_at").GetString()); // the status changed then
            var status = data.GetProperty("status").GetString()!;
            if (e.Event is "sms.failed" or "sms.undelivered")
            {
                Assert.NotNull(message.ErrorCode);
                Assert.Equal(message.ErrorCode, data.GetProperty("error_code").GetString());
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, data.GetProperty("error_code").ValueKind);
                Assert.Equal(JsonValueKind.Null, data.GetProperty("error_detail").ValueKind);
            }
            received.Add((message.Id, call.Event, status));
        }
        Assert.Equal(expected, received);

        var deliveries = await scenario.DeliveriesAsync();
        Assert.All(deliveries, d => Assert.Equal((WebhookDeliveryStatus.Succeeded, 1, 200, (DateTime?)null), (d.Status, d.Attempts, d.ResponseStatus, d.NextAttemptAt)));
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Cancelling_a_campaign_sends_sms_cancelled_only_to_endpoints_that_chose_it()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Cancelled, WebhookScenario.Reliable());
        await using var other = await WebhookReceiver.StartAsync();
        var everythingElse = WebhookEvents.All & ~WebhookEvents.Cancelled;
        await scenario.Webhooks.CreateAsync(scenario.OrganisationId, other.Url, "No cancellations", everythingElse, null);
        var services = scenario.Services;
        var at = services.Clock.GetUtcNow().UtcDateTime.AddHours(2);
        var campaign = await Dispatch.DispatcherTests.SendAsync(services, scenario.OrganisationId, 5, at);

        var result = await services.Get<TalkNTalk.Core.Campaigns.CampaignQueries>().CancelAsync(scenario.OrganisationId, campaign);
        await scenario.DeliverDueAsync();

        Assert.Equal(5, result.Cancelled);
        Assert.Equal(0, other.Count);
        await using var db = services.NewDb();
        var messages = await db.Messages.AsNoTracking().Where(m => m.CampaignId == campaign).ToDictionaryAsync(m => m.Id);
        Assert.All(messages.Values, m => Assert.Equal(MessageStatus.Cancelled, m.Status));
        var calls = scenario.Receiver.Calls;
        Assert.Equal(5, calls.Count);
        foreach (var call in calls)
        {
            Assert.True(WebhookVerification.IsFromTalkNTalk(call.Signature, call.Body, scenario.Secret, scenario.Now));
            var e = WebhookVerification.ReadEvent(call.Body);
            Assert.Equal(("sms.cancelled", "sms.cancelled"), (call.Event, e.Event));
            var data = e.Data!.Value;
            var message = messages[data.GetProperty("id").GetGuid()];
            Assert.Equal($"evt_{message.Id:N}_cancelled", e.Id);
            Assert.Equal("cancelled", data.GetProperty("status").GetString());
            Assert.Equal(TalkNTalk.Core.Organisations.OrganisationTime.Iso(at, null), data.GetProperty("scheduled_at").GetString());
            Assert.Equal(JsonValueKind.Null, data.GetProperty("error_code").ValueKind);
        }
        Assert.Equal(5, calls.Select(c => c.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Event_ids_are_distinct_per_event_type_and_the_same_on_every_attempt()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.All, WebhookScenario.Reliable(("SimulatedProvider:NonDeliveryRate", "1")));
        scenario.Receiver.Answer = call => (call.Attempt == 1 ? 503 : 200, null);
        await scenario.SendAndDispatchAsync(1);

        await scenario.DeliverDueAsync();
        scenario.Services.Clock.Advance(TimeSpan.FromMinutes(5));
        await scenario.DeliverDueAsync();

        var calls = scenario.Receiver.Calls;
        Assert.Equal(4, calls.Count);
        var byEvent = calls.GroupBy(c => c.Event).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["sms.sent", "sms.undelivered"], byEvent.Keys.Order());
        Assert.All(byEvent.Values, attempts =>
        {
            Assert.Equal([1, 2], attempts.Select(c => c.Attempt).Order());
            Assert.Single(attempts.Select(c => c.EventId).Distinct());
            Assert.Single(attempts.Select(c => Convert.ToHexString(c.Body)).Distinct()); // byte for byte
        });
        Assert.NotEqual(byEvent["sms.sent"][0].EventId, byEvent["sms.undelivered"][0].EventId);
        // The retried sms.sent still says sent, though the message is undelivered by now.
        Assert.Equal("sent", WebhookVerification.ReadEvent(byEvent["sms.sent"][1].Body).Data!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Finished_deliveries_leave_the_log_after_the_kept_days_while_pending_ones_stay_however_old()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable(("Webhooks:KeepDeliveriesDays", "30")));
        var clock = scenario.Services.Clock;
        await scenario.SendAndDispatchAsync(4);
        await scenario.DeliverDueAsync(); // 4 succeeded
        scenario.Receiver.Answer = call => (call.Event == "sms.sent" && call.Json.GetProperty("data").GetProperty("mobile").GetString() == "254712000000" ? 400 : 500, null);
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
