namespace TalkNTalk.Core.Dispatch;

/// <summary>
/// Wakes the dispatcher's loops (one per channel, one for reports and schedules) when a send queued messages or a
/// schedule came due, instead of waiting for their next look. Each loop listens on its own, so one wake reaches all.
/// </summary>
public sealed class DispatchSignal
{
    private readonly Lock _gate = new();
    private readonly List<SemaphoreSlim> _listeners = [];

    public void Wake()
    {
        lock (_gate)
        {
            foreach (var listener in _listeners)
                Release(listener);
        }
    }

    /// <summary>A listener of the caller's own; a wake while it is not waiting is kept for its next wait.</summary>
    internal Listener Listen()
    {
        var semaphore = new SemaphoreSlim(0, 1);
        lock (_gate)
            _listeners.Add(semaphore);
        return new Listener(this, semaphore);
    }

    private static void Release(SemaphoreSlim semaphore)
    {
        if (semaphore.CurrentCount == 0)
        {
            try
            {
                semaphore.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    internal sealed class Listener(DispatchSignal signal, SemaphoreSlim semaphore) : IDisposable
    {
        public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => semaphore.WaitAsync(timeout, ct);

        public void Dispose()
        {
            lock (signal._gate)
                signal._listeners.Remove(semaphore);
            semaphore.Dispose();
        }
    }
}

/// <summary>
/// Whether the dispatcher is sending right now (it claimed messages in the last second). Background work that shares
/// the machine and SQLite's write lock, such as webhook delivery, paces itself while this is true.
/// </summary>
public sealed class DispatchActivity(TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private long _lastBusyTicks;

    public void MarkBusy() => Interlocked.Exchange(ref _lastBusyTicks, clock.GetUtcNow().UtcTicks);

    public bool IsBusy => clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastBusyTicks) < Window.Ticks;
}
