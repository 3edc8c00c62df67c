using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.RateLimits;

/// <summary>
/// Rate limits counted in <c>rate_limit_hits</c>, one row per permit, so every instance on the PostgreSQL database counts
/// against the one limit. Each decision is one short transaction: the key's advisory lock
/// (<c>pg_advisory_xact_lock</c>, so deciders of one key, on any instance, take turns and the count is exact), the
/// count of the key's hits in the window, and the insert when they fit. Time is <see cref="TimeProvider"/>'s (tests move
/// it), so instances are assumed to keep their clocks in step (NTP): a clock off by a second shifts that instance's hits
/// by a second. Hits older than the longest window this process used are deleted at most once a minute, so the table
/// holds about the last minutes' hits.
/// </summary>
public sealed class PostgresRateLimitStore(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider time, ILogger<PostgresRateLimitStore> logger)
    : RateLimitStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private long _nextSweep;
    private long _longestWindow;

    /// <summary>Never at once: the count is in the database.</summary>
    public override RateLimitDecision? TryTake(RateLimit limit, int permits = 1) => null;

    public override async ValueTask<RateLimitDecision> TakeAsync(RateLimit limit, int permits = 1, CancellationToken ct = default)
    {
        Check(limit, permits);
        var now = time.GetUtcNow().UtcDateTime;
        RememberWindow(limit.Window);
        RateLimitDecision decision;
        try
        {
            decision = await DecideAsync(limit, permits, now, ct);
        }
        // Unreachable, timed out, out of connections: the caller is told the count could not be read, and decides what
        // that means for its request (the API refuses it, see ApiRateLimits).
        catch (Exception e) when (IsDatabaseFailure(e) && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Rate limit {Key} could not be counted: the database did not answer", limit.Key);
            return RateLimitDecision.Unavailable;
        }
        await SweepIfDueAsync(now);
        return decision;
    }

    private async Task<RateLimitDecision> DecideAsync(RateLimit limit, int permits, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        // Read committed whatever the server's default: each statement takes its own snapshot, so the count, read after
        // the lock is held, sees every hit the key's previous holder committed before letting go of it.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var connection = db.Database.GetDbConnection();
        var since = now - limit.Window;
        int counted;
        await using (var count = Command(connection, transaction, """
            SELECT pg_advisory_xact_lock(hashtextextended(@key, 0));
            SELECT count(*) FROM rate_limit_hits WHERE Key = @key AND At > @since
            """, limit.Key, since))
        await using (var reader = await count.ExecuteReaderAsync(ct))
        {
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            counted = (int)reader.GetInt64(0);
        }

        RateLimitDecision decision;
        if (permits == 0 ? counted < limit.PermitLimit : counted + permits <= limit.PermitLimit)
        {
            if (permits > 0)
            {
                await using var insert = Command(connection, transaction,
                    "INSERT INTO rate_limit_hits (Key, At) SELECT @key, @now FROM generate_series(1, @permits)", limit.Key, since);
                Sql.Set(insert, "@now", now);
                Sql.Set(insert, "@permits", permits);
                await insert.ExecuteNonQueryAsync(ct);
            }
            decision = RateLimitDecision.Granted(limit.PermitLimit - counted - permits);
        }
        else
        {
            // Oldest first: the hits that must leave the window before these permits fit, read up to the last of them.
            var times = new List<DateTime>();
            await using (var oldest = Command(connection, transaction,
                "SELECT At FROM rate_limit_hits WHERE Key = @key AND At > @since ORDER BY At LIMIT @leaving", limit.Key, since))
            {
                Sql.Set(oldest, "@leaving", counted + Math.Max(permits, 1) - limit.PermitLimit);
                await using var reader = await oldest.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    times.Add(Sql.ReadTime(reader, 0));
            }
            decision = Refusal(limit, counted, permits, now, i => times[i]);
        }
        await transaction.CommitAsync(ct);
        return decision;
    }

    // Npgsql's own exceptions, or EF's execution strategy's InvalidOperationException around one ("likely due to a
    // transient failure").
    private static bool IsDatabaseFailure(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
            if (cause is DbException or TimeoutException)
                return true;
        return false;
    }

    private static DbCommand Command(DbConnection connection, IDbContextTransaction transaction, string text, string key, DateTime since)
    {
        var command = Sql.Command(connection, text);
        command.Transaction = transaction.GetDbTransaction();
        Sql.Set(command, "@key", key);
        if (command.Parameters.Contains("@since"))
            Sql.Set(command, "@since", since);
        return command;
    }

    private void RememberWindow(TimeSpan window)
    {
        var longest = Interlocked.Read(ref _longestWindow);
        while (window.Ticks > longest)
        {
            var seen = Interlocked.CompareExchange(ref _longestWindow, window.Ticks, longest);
            if (seen == longest)
                return;
            longest = seen;
        }
    }

    // Hits no window of this process can count any more. Every instance sweeps (each with the same limits); rows
    // another sweeper is deleting are passed over, so two sweepers never wait on each other. Deciders only insert, so
    // they never wait on a sweeper either. A failed sweep is only logged: the next one deletes the rows. It is not the
    // request's work, so a request that goes away does not stop it half-way.
    private async Task SweepIfDueAsync(DateTime now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now.Ticks < due || Interlocked.CompareExchange(ref _nextSweep, (now + SweepInterval).Ticks, due) != due)
            return;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var sweep = Sql.Command(db.Database.GetDbConnection(),
                "DELETE FROM rate_limit_hits WHERE Id IN (SELECT Id FROM rate_limit_hits WHERE At <= @before FOR UPDATE SKIP LOCKED)");
            Sql.Set(sweep, "@before", now - TimeSpan.FromTicks(Interlocked.Read(ref _longestWindow)));
            await sweep.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (IsDatabaseFailure(e))
        {
            logger.LogWarning(e, "Old rate limit hits could not be deleted; the next sweep will");
        }
    }
}
