using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// Delivery ids are SQLite rowids without AUTOINCREMENT (cheaper for the outbox trigger), so a new row takes the largest
/// id plus one. Were the newest row deleted, its id would be handed out again, behind the worker's cursor and under an
/// event id a receiver has already seen. So every delete of deliveries leaves the table's newest row in place.
/// PostgreSQL's ids come from an identity sequence, which never hands an id out twice, and its worker keeps no cursor
/// (<see cref="WebhookDueBatch"/>): the rule is not needed there, and is kept because it costs one row.
/// </summary>
public static class WebhookDeliveryIds
{
    /// <summary>The id no delete may remove; null when the table is empty.</summary>
    public static Task<long?> NewestAsync(TalkNTalkDbContext db, CancellationToken ct) =>
        db.WebhookDeliveries.MaxAsync(d => (long?)d.Id, ct);
}
