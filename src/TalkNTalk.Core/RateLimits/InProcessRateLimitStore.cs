using System.Collections.Concurrent;

namespace TalkNTalk.Core.RateLimits;

/// <summary>
/// Rate limits counted in this process, for SQLite's one instance: per key, a log of when each permit was granted,
/// decided at once under the key's lock, with no database write per request. Time is <see cref="TimeProvider"/>'s, so
/// tests move it. Keys whose log has emptied are forgotten once a minute, so the map holds only keys in use.
/// </summary>
public sealed class InProcessRateLimitStore(TimeProvider time) : RateLimitStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Log> _logs = new(StringComparer.Ordinal);
    private long _nextSweep;

    public override RateLimitDecision? TryTake(RateLimit limit, int permits = 1)
    {
        Check(limit, permits);
        var now = time.GetUtcNow().UtcDateTime;
        SweepIfDue(now);
        while (true)
        {
            var log = _logs.GetOrAdd(limit.Key, _ => new Log());
            lock (log)
            {
                // Swept away between the lookup and the lock: a new log takes its place.
                if (log.Removed)
                    continue;
                log.Window = limit.Window;
                log.Expire(now);
                var counted = log.Granted.Count;
                if (permits == 0 ? counted < limit.PermitLimit : counted + permits <= limit.PermitLimit)
                {
                    for (var i = 0; i < permits; i++)
                        log.Granted.Enqueue(now);
                    return RateLimitDecision.Granted(limit.PermitLimit - counted - permits);
                }
                return Refusal(limit, counted, permits, now, log.Granted.ElementAt);
            }
        }
    }

    public override ValueTask<RateLimitDecision> TakeAsync(RateLimit limit, int permits = 1, CancellationToken ct = default) =>
        ValueTask.FromResult(TryTake(limit, permits)!.Value);

    private void SweepIfDue(DateTime now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now.Ticks < due || Interlocked.CompareExchange(ref _nextSweep, (now + SweepInterval).Ticks, due) != due)
            return;
        foreach (var (key, log) in _logs)
        {
            lock (log)
            {
                log.Expire(now);
                if (log.Granted.Count > 0)
                    continue;
                log.Removed = true;
                _logs.TryRemove(KeyValuePair.Create(key, log));
            }
        }
    }

    private sealed class Log
    {
        public readonly Queue<DateTime> Granted = new();
        public TimeSpan Window;
        public bool Removed;

        public void Expire(DateTime now)
        {
            while (Granted.TryPeek(out var oldest) && now - oldest >= Window)
                Granted.Dequeue();
        }
    }
}
