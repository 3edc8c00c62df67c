using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>Migration <c>WebhookEventsV2</c> on endpoints saved before it: nothing they received stops, nothing new starts unasked.</summary>
public sealed class WebhookEventsMigrationTests
{
    private const string BeforeEventsV2 = "20261202043412_UserSessions";

    [SqliteFact]
    public async Task Endpoints_subscribed_to_failures_keep_receiving_undelivered_messages_and_none_gets_cancellations_unasked()
    {
        await using var services = await TestServices.StartAsync(new(WebhookScenario.Settings), BeforeEventsV2);
        var org = await LegacyRows.InsertOrganisationAsync(services, credit: 100m);
        var webhooks = services.Get<WebhookService>();
        // Every choice the release before could store: sent 1, delivered 2, failed 4 (which covered undelivered).
        var stored = new[] { 1, 2, 4, 1 | 2, 2 | 4, 1 | 2 | 4 };
        var endpoints = new List<Guid>();
        foreach (var events in stored)
            endpoints.Add((await webhooks.CreateAsync(org, "https://127.0.0.1:9/hook", null, (WebhookEvents)events, null)).Endpoint.Id);
        await using var db = services.NewDb();
        var (_, messages) = await LegacyRows.InsertSmsCampaignAsync(db, org, ["254712000001", "254712000002", "254712000003"]);

        var before = await BecomeAsync(db, messages[0], MessageStatus.Undelivered);
        Assert.All(before, r => Assert.Equal("sms.failed", r.EventType));

        await DatabaseInitializer.MigrateAsync(services.Get<IDbContextFactory<TalkNTalkDbContext>>());

        var migrated = await db.WebhookEndpoints.AsNoTracking().ToDictionaryAsync(e => e.Id, e => (int)e.Events);
        Assert.Equal([1, 2, 4 | 8, 1 | 2, 2 | 4 | 8, 1 | 2 | 4 | 8], endpoints.Select(id => migrated[id]));
        var after = await BecomeAsync(db, messages[1], MessageStatus.Undelivered);
        Assert.All(after, r => Assert.Equal("sms.undelivered", r.EventType));
        Assert.Equal(before.Select(r => r.EndpointId).Order(), after.Select(r => r.EndpointId).Order());
        Assert.Equal(3, after.Count);
        Assert.Empty(await BecomeAsync(db, messages[2], MessageStatus.Cancelled));
    }

    // Sets a message's status as the dispatcher would, and returns the outbox rows the trigger wrote for it.
    private static async Task<List<WebhookDelivery>> BecomeAsync(TalkNTalkDbContext db, Guid message, MessageStatus status)
    {
        await db.Messages.Where(m => m.Id == message).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, status));
        return await db.WebhookDeliveries.AsNoTracking().Where(d => d.MessageId == message).ToListAsync();
    }
}
