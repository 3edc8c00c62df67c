using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// How <see cref="WebhookWorker"/> takes its batch of due deliveries: the one thing it does differently on the two
/// engines, chosen once from the connection. SQLite has one writer and one worker: new rows are read after an id cursor
/// (their insert enters no index) and retries, re-sends and tests by <see cref="WebhookDelivery.NextAttemptAt"/>.
/// PostgreSQL may have a worker on each of several instances: there the trigger makes every new row due at once, and a
/// worker claims its batch in one statement that pushes the rows' NextAttemptAt to the end of a lease, passing over rows
/// another worker is claiming, so no two workers take the same row. The outcome's record then writes the real
/// NextAttemptAt; a worker that dies first leaves its rows to fall due again when the lease ends (at least once, as
/// receivers know: they de-duplicate by event id).
/// </summary>
internal abstract class WebhookDueBatch
{
    public static WebhookDueBatch For(DbConnection connection, TimeSpan lease) =>
        Sql.IsPostgres(connection) ? new Claimed(lease) : new AfterCursor();

    /// <summary>
    /// Deliveries due at <paramref name="now"/>, up to <paramref name="batch"/> of each kind the engine reads. Due: rows
    /// whose NextAttemptAt has come, for an enabled endpoint or a test, each row's NextAttemptAt as it stands now that it
    /// is taken (a hold writes only where nobody changed it since). Fresh: SQLite's new rows after the cursor, of any
    /// endpoint (the worker keeps those of enabled ones).
    /// </summary>
    public abstract Task<Taken> TakeAsync(TalkNTalkDbContext db, DateTime now, int batch, CancellationToken ct);

    /// <summary>The batch's outcomes are recorded: SQLite's cursor moves past its fresh rows. True when the cursor moved.</summary>
    public abstract bool Recorded(Taken taken);

    /// <summary>
    /// The batch will not be recorded (the cycle failed, or the host is stopping): its rows should be due again now.
    /// SQLite's are (the cursor stays, and nothing moved their NextAttemptAt); PostgreSQL's claimed rows are given back
    /// rather than left until the lease ends, unless a re-send or an outcome changed them meanwhile.
    /// </summary>
    public abstract Task ReleaseAsync(IDbContextFactory<TalkNTalkDbContext> dbFactory, Taken taken, DateTime now, CancellationToken ct);

    public sealed record Row(long Id, Guid EndpointId, int Attempts, WebhookDeliveryStatus Status, DateTime? NextAttemptAt, string EventType,
        DateTime OccurredAt, Guid? MessageId, MessageStatus? MessageStatus, MessageView? Message);

    public sealed record Taken(List<Row> Due, List<Row> Fresh, long Cursor);

    // A page of outbox rows with their messages, for the payload.
    private static IQueryable<Row> WithMessages(TalkNTalkDbContext db, IQueryable<WebhookDelivery> deliveries) =>
        from d in deliveries
        join m in db.Messages on d.MessageId equals m.Id into sent
        from m in sent.DefaultIfEmpty()
        select new Row(d.Id, d.EndpointId, d.Attempts, d.Status, d.NextAttemptAt, d.EventType, d.OccurredAt, d.MessageId, d.MessageStatus,
            m == null ? null : new MessageView(m.Id, m.CampaignId, m.Channel, m.Address, m.Network, m.SenderId, m.Body, m.Segments, m.Cost, m.Status, m.Source,
                m.ErrorCode, m.ErrorDetail, m.ScheduledAt, m.CreatedAt, m.UpdatedAt, m.SentAt, m.DeliveredAt, m.Encoding, m.ProviderMessageId));

    /// <summary>
    /// SQLite. New outbox rows (from the trigger: never attempted, no NextAttemptAt) are read in id order after a cursor,
    /// so that inserting them costs no index. Ids only grow: one writer at a time, and the newest row is never deleted
    /// (<see cref="WebhookDeliveryIds"/>). After a restart the cursor starts again before the oldest new row still waiting.
    /// </summary>
    private sealed class AfterCursor : WebhookDueBatch
    {
        private long? _cursor;

        public override async Task<Taken> TakeAsync(TalkNTalkDbContext db, DateTime now, int batch, CancellationToken ct)
        {
            var cursor = _cursor
                ?? await db.WebhookDeliveries.Where(IsNew).Select(d => (long?)d.Id).MinAsync(ct) - 1
                ?? await db.WebhookDeliveries.Select(d => (long?)d.Id).MaxAsync(ct)
                ?? 0;
            var retries = await WithMessages(db, db.WebhookDeliveries
                    .Where(d => d.NextAttemptAt <= now && db.WebhookEndpoints.Any(e => e.Id == d.EndpointId && (e.Enabled || d.EventType == WebhookEventNames.Test)))
                    .OrderBy(d => d.NextAttemptAt).Take(batch))
                .ToListAsync(ct);
            var fresh = await WithMessages(db, db.WebhookDeliveries.Where(d => d.Id > cursor).OrderBy(d => d.Id).Take(batch)).ToListAsync(ct);
            var nextCursor = fresh.Count > 0 ? fresh.Max(r => r.Id) : cursor;
            return new Taken(retries, fresh.Where(r => r.Attempts == 0 && r.Status == WebhookDeliveryStatus.Pending && r.NextAttemptAt is null).ToList(), nextCursor);
        }

        // Moved on only once the outcomes are recorded: a cycle that fails takes the same rows again.
        public override bool Recorded(Taken taken)
        {
            var moved = taken.Cursor != _cursor;
            _cursor = taken.Cursor;
            return moved;
        }

        public override Task ReleaseAsync(IDbContextFactory<TalkNTalkDbContext> dbFactory, Taken taken, DateTime now, CancellationToken ct) => Task.CompletedTask;

        private static readonly System.Linq.Expressions.Expression<Func<WebhookDelivery, bool>> IsNew =
            d => d.Status == WebhookDeliveryStatus.Pending && d.Attempts == 0 && d.NextAttemptAt == null;
    }

    /// <summary>
    /// PostgreSQL. Transactions commit out of id order here, so an id cursor could pass over a row committed late: the
    /// trigger makes a new row due at once instead, and every pending row is found by NextAttemptAt's index. The claim
    /// is one statement, committed by itself: rows another worker's claim has locked are skipped, and a row it has
    /// claimed is no longer due. The lease end is whole milliseconds, which both the column and .NET hold exactly, so a
    /// hold's and a release's "unchanged since" compare equal.
    /// </summary>
    private sealed class Claimed(TimeSpan lease) : WebhookDueBatch
    {
        public override async Task<Taken> TakeAsync(TalkNTalkDbContext db, DateTime now, int batch, CancellationToken ct)
        {
            var leaseEnd = LeaseEnd(now);
            var ids = new List<long>();
            await db.Database.OpenConnectionAsync(ct);
            await using (var claim = Sql.Command(db.Database.GetDbConnection(), """
                UPDATE webhook_deliveries SET NextAttemptAt = @leaseEnd
                WHERE Id IN (
                    SELECT d.Id FROM webhook_deliveries d
                    WHERE d.NextAttemptAt <= @now
                      AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.Id = d.EndpointId AND (e.Enabled OR d.EventType = @test))
                    ORDER BY d.NextAttemptAt
                    LIMIT @batch
                    FOR UPDATE OF d SKIP LOCKED)
                RETURNING Id
                """))
            {
                Sql.Set(claim, "@leaseEnd", leaseEnd);
                Sql.Set(claim, "@now", now);
                Sql.Set(claim, "@test", WebhookEventNames.Test);
                Sql.Set(claim, "@batch", batch);
                await using var reader = await claim.ExecuteReaderAsync(ct);
                // Claimed and committed: read to the end whatever the token says, so that the caller can give the rows back.
                while (await reader.ReadAsync(CancellationToken.None))
                    ids.Add(reader.GetInt64(0));
            }
            if (ids.Count == 0)
                return new Taken([], [], 0);
            // Read back as claimed: a re-send between the claim and this read must not pass for the claim's own NextAttemptAt.
            var rows = await WithMessages(db, db.WebhookDeliveries.Where(d => ids.Contains(d.Id)))
                .ToListAsync(CancellationToken.None);
            return new Taken(rows.OrderBy(r => r.Id).Select(r => r with { NextAttemptAt = leaseEnd }).ToList(), [], 0);
        }

        public override bool Recorded(Taken taken) => false;

        public override async Task ReleaseAsync(IDbContextFactory<TalkNTalkDbContext> dbFactory, Taken taken, DateTime now, CancellationToken ct)
        {
            if (taken.Due.Count == 0)
                return;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Database.OpenConnectionAsync(ct);
            await using var release = Sql.Command(db.Database.GetDbConnection(), """
                UPDATE webhook_deliveries SET NextAttemptAt = @now
                WHERE Id = ANY(@ids) AND Status = @pending AND NextAttemptAt = @leaseEnd
                """);
            Sql.Set(release, "@now", now);
            Sql.Set(release, "@ids", taken.Due.Select(r => r.Id).ToArray());
            Sql.Set(release, "@pending", nameof(WebhookDeliveryStatus.Pending));
            Sql.Set(release, "@leaseEnd", taken.Due[0].NextAttemptAt!.Value);
            await release.ExecuteNonQueryAsync(ct);
        }

        private DateTime LeaseEnd(DateTime now)
        {
            var end = now + lease;
            return new DateTime(end.Ticks - end.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        }
    }
}
