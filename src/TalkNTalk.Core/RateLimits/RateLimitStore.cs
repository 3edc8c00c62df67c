using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.RateLimits;

/// <summary>
/// Where sliding-window rate limits are counted, chosen once from <c>Database:Provider</c>
/// (<see cref="Create"/>): on SQLite, whose one instance is the only one counting, in this process
/// (<see cref="InProcessRateLimitStore"/>: no database write per request); on PostgreSQL in <c>rate_limit_hits</c>
/// (<see cref="PostgresRateLimitStore"/>), so every instance on the database counts against the one limit. Callers
/// (the API's limiter) see one mechanism: a key, a limit, a window, and a decision.
/// </summary>
public abstract class RateLimitStore
{
    /// <summary>The store for this engine; the other one is never made.</summary>
    public static RateLimitStore Create(IServiceProvider services, DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new InProcessRateLimitStore(services.GetRequiredService<TimeProvider>()),
        DatabaseProvider.Postgres => new PostgresRateLimitStore(services.GetRequiredService<IDbContextFactory<TalkNTalkDbContext>>(),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<PostgresRateLimitStore>>()),
        _ => throw new InvalidOperationException($"Database:Provider '{provider}' is not one of Sqlite, Postgres."),
    };

    /// <summary>
    /// Decides at once when the count is in this process; <c>null</c> when only <see cref="TakeAsync"/> can, because the
    /// count is in the database (a caller that must not wait then asks again asynchronously).
    /// </summary>
    public abstract RateLimitDecision? TryTake(RateLimit limit, int permits = 1);

    /// <summary>
    /// Takes <paramref name="permits"/> under <paramref name="limit"/> if they fit in its window; zero permits asks
    /// whether one is left and takes none. A refusal says when the permit that makes room leaves the window.
    /// </summary>
    public abstract ValueTask<RateLimitDecision> TakeAsync(RateLimit limit, int permits = 1, CancellationToken ct = default);

    /// <summary>The refusal of <paramref name="permits"/> when <paramref name="counted"/> permits are in the window,
    /// <paramref name="grantedAt"/> giving the time of the one whose leaving makes room (oldest first).</summary>
    private protected static RateLimitDecision Refusal(RateLimit limit, int counted, int permits, DateTime now, Func<int, DateTime> grantedAt)
    {
        // With `counted` in the window, this many must leave before `permits` (at least one) fit; the last of them frees it.
        var leaving = counted + Math.Max(permits, 1) - limit.PermitLimit;
        return RateLimitDecision.Refused(grantedAt(leaving - 1) + limit.Window - now, Math.Max(0, limit.PermitLimit - counted));
    }

    private protected static void Check(RateLimit limit, int permits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permits, limit.PermitLimit);
    }
}

/// <summary>
/// At most <see cref="PermitLimit"/> permits for <see cref="Key"/> in any <see cref="Window"/> of time: a true sliding
/// window (a log of when each permit was granted), so a burst at the end of one minute and another at the start of the
/// next cannot double the limit, and a refusal's Retry-After is exact.
/// </summary>
public sealed record RateLimit
{
    public RateLimit(string key, int permitLimit, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, RateLimitHit.MaxKeyLength, nameof(key));
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        (Key, PermitLimit, Window) = (key, permitLimit, window);
    }

    /// <summary>What is limited and whose (the policy and the organisation, and the endpoint for a per-endpoint limit):
    /// one key is one count wherever it is asked for.</summary>
    public string Key { get; }

    public int PermitLimit { get; }

    public TimeSpan Window { get; }
}

public enum RateLimitOutcome
{
    Granted,

    /// <summary>Over the limit: retry after <see cref="RateLimitDecision.RetryAfter"/>.</summary>
    Refused,

    /// <summary>The count could not be read (the database did not answer): nothing was taken.</summary>
    Unavailable,
}

/// <param name="Available">Permits left in the window after this decision, as far as it knows.</param>
public readonly record struct RateLimitDecision(RateLimitOutcome Outcome, TimeSpan RetryAfter, int Available)
{
    public bool IsGranted => Outcome == RateLimitOutcome.Granted;

    public static RateLimitDecision Granted(int available) => new(RateLimitOutcome.Granted, TimeSpan.Zero, available);

    public static RateLimitDecision Refused(TimeSpan retryAfter, int available) =>
        new(RateLimitOutcome.Refused, retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter, available);

    public static readonly RateLimitDecision Unavailable = new(RateLimitOutcome.Unavailable, TimeSpan.Zero, 0);
}
