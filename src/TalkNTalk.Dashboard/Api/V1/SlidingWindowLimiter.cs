using System.Threading.RateLimiting;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// At most <c>permitLimit</c> permits in any <c>window</c>, as a log of when each was granted: a true sliding window,
/// so a burst at the end of one minute and another at the start of the next cannot double the limit, and Retry-After
/// is exactly when the oldest permit leaves the window. Time comes from <see cref="TimeProvider"/>, so tests move it.
/// It never queues: over the limit is an immediate refusal.
/// </summary>
public sealed class SlidingWindowLimiter : RateLimiter
{
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly string _description;
    private readonly Queue<long> _granted = new();
    private readonly Lock _lock = new();
    private long _emptySince;
    private long _successful;
    private long _failed;

    /// <param name="description">Says what the limit is, for the refusal (e.g. "60 a minute"); carried as the lease's reason.</param>
    public SlidingWindowLimiter(int permitLimit, TimeSpan window, TimeProvider time, string description)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        (_permitLimit, _window, _time, _description) = (permitLimit, window, time, description);
        _emptySince = time.GetTimestamp();
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetTimestamp();
                Expire(now);
                // While any grant is inside the window the limiter must stay: forgetting it would forget the count.
                return _granted.Count == 0 ? _time.GetElapsedTime(_emptySince, now) : null;
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_lock)
        {
            Expire(_time.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _permitLimit - _granted.Count,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _permitLimit);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            Expire(now);
            // Zero permits asks whether any is left, and takes none.
            if (permitCount == 0 && _granted.Count < _permitLimit)
                return Lease.Granted;
            if (permitCount > 0 && _granted.Count + permitCount <= _permitLimit)
            {
                for (var i = 0; i < permitCount; i++)
                    _granted.Enqueue(now);
                _successful++;
                return Lease.Granted;
            }
            _failed++;
            // The grant whose leaving the window makes room for this request.
            var freeing = _granted.ElementAt(_granted.Count + Math.Max(permitCount, 1) - _permitLimit - 1);
            return new Lease(false, _window - _time.GetElapsedTime(freeing, now), _description);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Expire(long now)
    {
        while (_granted.TryPeek(out var oldest) && _time.GetElapsedTime(oldest, now) >= _window)
        {
            _granted.Dequeue();
            if (_granted.Count == 0)
                _emptySince = now;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan retryAfter, string? reason) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, TimeSpan.Zero, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            if (acquired)
                return false;
            if (metadataName == MetadataName.RetryAfter.Name)
                metadata = retryAfter;
            else if (metadataName == MetadataName.ReasonPhrase.Name)
                metadata = reason;
            return metadata is not null;
        }
    }
}
