using System.Threading.RateLimiting;
using TalkNTalk.Core.RateLimits;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// ASP.NET Core's face of one <see cref="RateLimit"/>: a true sliding window counted by the app's
/// <see cref="RateLimitStore"/> (in this process on SQLite, in the database on PostgreSQL, so every instance counts).
/// The synchronous attempt decides only when the store can without waiting; otherwise it is not granted, and the rate
/// limiting middleware asks again asynchronously. It never queues: over the limit is an immediate refusal, with the
/// exact Retry-After. The count is the store's, not this object's, so the partitioned limiter may drop an idle one.
/// </summary>
public sealed class SlidingWindowLimiter : RateLimiter
{
    /// <summary>Set on a refusal whose count could not be read (<see cref="RateLimitOutcome.Unavailable"/>).</summary>
    public static readonly MetadataName<bool> Unavailable = MetadataName.Create<bool>("TalkNTalk.RateLimitUnavailable");

    private readonly RateLimitStore _store;
    private readonly RateLimit _limit;
    private readonly TimeProvider _time;
    private readonly string _description;
    private long _lastUsed;
    private int _available;
    private long _successful;
    private long _failed;

    /// <param name="description">Says what the limit is, for the refusal (e.g. "60 a minute"); carried as the lease's reason.</param>
    public SlidingWindowLimiter(RateLimitStore store, RateLimit limit, TimeProvider time, string description)
    {
        (_store, _limit, _time, _description) = (store, limit, time, description);
        _available = limit.PermitLimit;
        _lastUsed = time.GetTimestamp();
    }

    /// <summary>A limiter over a count of its own in this process.</summary>
    public SlidingWindowLimiter(int permitLimit, TimeSpan window, TimeProvider time, string description)
        : this(new InProcessRateLimitStore(time), new RateLimit("limit", permitLimit, window), time, description)
    {
    }

    public override TimeSpan? IdleDuration => _time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics GetStatistics() => new()
    {
        CurrentAvailablePermits = _store.TryTake(_limit, 0)?.Available ?? Volatile.Read(ref _available),
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Interlocked.Read(ref _successful),
        TotalFailedLeases = Interlocked.Read(ref _failed),
    };

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        _store.TryTake(_limit, permitCount) is { } decision ? LeaseFor(decision) : Lease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        LeaseFor(await _store.TakeAsync(_limit, permitCount, cancellationToken));

    private Lease LeaseFor(RateLimitDecision decision)
    {
        Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());
        Volatile.Write(ref _available, decision.Available);
        Interlocked.Increment(ref decision.IsGranted ? ref _successful : ref _failed);
        return decision.Outcome switch
        {
            RateLimitOutcome.Granted => Lease.Granted,
            RateLimitOutcome.Refused => new Lease(false, decision.RetryAfter, _description, unavailable: false),
            _ => new Lease(false, null, _description, unavailable: true),
        };
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter, string? reason, bool unavailable) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null, null, unavailable: false);

        /// <summary>Not decided without waiting: the middleware then acquires asynchronously.</summary>
        public static readonly Lease Undecided = new(false, null, null, unavailable: false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames =>
            (retryAfter is null ? [] : new[] { MetadataName.RetryAfter.Name })
            .Concat(reason is null ? [] : [MetadataName.ReasonPhrase.Name])
            .Concat(unavailable ? [Unavailable.Name] : []);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            if (metadataName == MetadataName.RetryAfter.Name)
                metadata = retryAfter;
            else if (metadataName == MetadataName.ReasonPhrase.Name)
                metadata = reason;
            else if (metadataName == Unavailable.Name && unavailable)
                metadata = true;
            return metadata is not null;
        }
    }
}
