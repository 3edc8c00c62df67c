using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// Delivery ids are SQLite rowids without AUTOINCREMENT (cheaper for the outbox trigger), so a new row takes the largest
/// id plus one. Were the newest row deleted, its id would be handed out again, behind the worker's cursor and under an
/// event id a receiver has already seen. So every delete of deliveries leaves the table's newest row in place.
/// </summary>
public static class WebhookDeliveryIds
{
    /// <summary>The id no delete may remove; null when the table is empty.</summary>
    public static Task<long?> NewestAsync(TalkNTalkDbContext db, CancellationToken ct) =>
        db.WebhookDeliveries.MaxAsync(d => (long?)d.Id, ct);
}
