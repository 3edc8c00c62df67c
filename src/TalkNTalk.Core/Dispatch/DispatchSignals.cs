namespace TalkNTalk.Core.Dispatch;

/// <summary>Wakes the dispatcher when a send queued messages, instead of waiting for its next look.</summary>
public sealed class DispatchSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
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

