using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Webhooks;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>The outbox trigger: one row per subscribed, enabled endpoint of the message's organisation, written with the status change.</summary>
public sealed class WebhookOutboxTests
{
    [Fact]
    public async Task Status_changes_queue_events_only_for_enabled_endpoints_that_subscribe_to_them()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Delivered);
        var webhooks = scenario.Webhooks;
        var (paused, _) = await webhooks.CreateAsync(scenario.OrganisationId, scenario.Receiver.Url, "Paused", WebhookEvents.All, null);
        await webhooks.SetEnabledAsync(scenario.OrganisationId, paused.Id, enabled: false);
        var failuresOnly = (await webhooks.CreateAsync(scenario.OrganisationId, scenario.Receiver.Url, "Alerts", WebhookEvents.Failed, null)).Endpoint;
        var undeliveredOnly = (await webhooks.CreateAsync(scenario.OrganisationId, scenario.Receiver.Url, "Bounces", WebhookEvents.Undelivered, null)).Endpoint;
        var other = await scenario.Services.CreateOrganisationAsync("Other Ltd", sender: "OTHERLTD");
        await webhooks.CreateAsync(other, scenario.Receiver.Url, null, WebhookEvents.All, null);

        await scenario.SendAndDispatchAsync(50);

        await using var db = scenario.Services.NewDb();
        var messages = await db.Messages.AsNoTracking().ToListAsync();
        var rows = await scenario.DeliveriesAsync();
        var delivered = messages.Where(m => m.Status == MessageStatus.Delivered).Select(m => (Guid?)m.Id).ToHashSet();
        var failed = messages.Where(m => m.Status is MessageStatus.Failed).Select(m => (Guid?)m.Id).ToHashSet();
        var undelivered = messages.Where(m => m.Status is MessageStatus.Undelivered).Select(m => (Guid?)m.Id).ToHashSet();
        Assert.NotEmpty(failed);
        Assert.NotEmpty(undelivered);
        Assert.Equal(delivered, rows.Where(r => r.EndpointId == scenario.EndpointId).Select(r => r.MessageId).ToHashSet());
        Assert.All(rows.Where(r => r.EndpointId == scenario.EndpointId), r => Assert.Equal(("sms.delivered", MessageStatus.Delivered), (r.EventType, r.MessageStatus)));
        Assert.Equal(failed, rows.Where(r => r.EndpointId == failuresOnly.Id).Select(r => r.MessageId).ToHashSet());
        Assert.All(rows.Where(r => r.EndpointId == failuresOnly.Id), r => Assert.Equal(("sms.failed", MessageStatus.Failed), (r.EventType, r.MessageStatus)));
        Assert.Equal(undelivered, rows.Where(r => r.EndpointId == undeliveredOnly.Id).Select(r => r.MessageId).ToHashSet());
        Assert.All(rows.Where(r => r.EndpointId == undeliveredOnly.Id), r => Assert.Equal(("sms.undelivered", MessageStatus.Undelivered), (r.EventType, r.MessageStatus)));
        Assert.Equal(rows.Count, rows.Count(r => r.EndpointId == scenario.EndpointId || r.EndpointId == failuresOnly.Id || r.EndpointId == undeliveredOnly.Id));
        var sample = rows.First(r => r.EndpointId == scenario.EndpointId);
        var message = messages.Single(m => m.Id == sample.MessageId);
        Assert.Equal(($"evt_{message.Id:N}_delivered", message.UpdatedAt, WebhookDeliveryStatus.Pending, 0),
            (sample.EventId, sample.OccurredAt, sample.Status, sample.Attempts));
        // On SQLite new rows enter no index (the worker reads them in id order); PostgreSQL's commit out of id order, so
        // there a new row is due at once and found by NextAttemptAt like a retry.
        Assert.Equal(TestDatabase.IsPostgres ? message.UpdatedAt : null, sample.NextAttemptAt);
    }

    [Fact]
    public async Task The_migration_creates_the_trigger_and_unchanged_statuses_queue_nothing()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        await scenario.SendAndDispatchAsync(5);
        var before = (await scenario.DeliveriesAsync()).Count;

        await using var db = scenario.Services.NewDb();
        var triggers = await db.Database.SqlQueryRaw<string>(TestDatabase.IsPostgres
            ? "SELECT tgname::text AS \"Value\" FROM pg_trigger WHERE tgname LIKE 'trg_messages_webhooks_%'"
            : "SELECT name AS Value FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'trg_messages_webhooks_%'").ToListAsync();
        Assert.Equal(["trg_messages_webhooks_status"], triggers);
        // Writing a status that does not change, or one that is not an event, queues nothing.
        await db.Messages.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, m => m.Status));
        await db.Messages.Where(m => m.Status == MessageStatus.Delivered).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Held));
        Assert.Equal(before, (await scenario.DeliveriesAsync()).Count);

        // A bulk update (what cancelling does) queues one event per message that changed.
        var held = await db.Messages.CountAsync(m => m.Status == MessageStatus.Held);
        Assert.True(held > 0);
        await db.Messages.Where(m => m.Status == MessageStatus.Held).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Cancelled));
        var cancelled = (await scenario.DeliveriesAsync()).Skip(before).ToList();
        Assert.Equal(held, cancelled.Count);
        Assert.All(cancelled, r => Assert.Equal(("sms.cancelled", MessageStatus.Cancelled), (r.EventType, r.MessageStatus)));
    }
}
