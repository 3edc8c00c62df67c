using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TalkNTalk.Core.Notifications;

/// <summary>
/// In-process publish/subscribe keyed by an id (an organisation, a campaign). A publisher never waits on a
/// subscriber: each subscription runs at most one callback at a time, and publishes that arrive meanwhile
/// coalesce into a single re-run, so a slow browser circuit sees the latest state rather than a backlog.
/// A subscription may ask for a minimum interval between runs (a page re-rendering a few times a second);
/// the last change is never dropped, only delayed. A failing callback is logged and the subscription lives on.
/// </summary>
public class ChangeNotifier<TKey>(TimeProvider time, ILogger logger) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, ConcurrentDictionary<Subscription, byte>> _subscribers = new();
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    public ChangeNotifier() : this(TimeProvider.System, NullLogger.Instance)
    {
    }

    /// <summary>Calls <paramref name="onChange"/> after changes to <paramref name="key"/> until the result is disposed,
    /// starting runs at least <paramref name="minInterval"/> apart.</summary>
    public IDisposable Subscribe(TKey key, Func<Task> onChange, TimeSpan minInterval = default)
    {
        var subscription = new Subscription(this, key, onChange, minInterval);
        _subscribers.GetOrAdd(key, static _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Signals a change; returns at once.</summary>
    public void Publish(TKey key)
    {
        if (!_subscribers.TryGetValue(key, out var set))
            return;
        foreach (var subscription in set.Keys)
            subscription.Signal();
    }

    /// <summary>How many subscriptions are live for a key; lets tests prove pages unsubscribe.</summary>
    public int SubscriberCount(TKey key) => _subscribers.TryGetValue(key, out var set) ? set.Count : 0;

    private void Remove(Subscription subscription)
    {
        if (_subscribers.TryGetValue(subscription.Key, out var set))
            set.TryRemove(subscription, out _);
    }

    private sealed class Subscription(ChangeNotifier<TKey> owner, TKey key, Func<Task> onChange, TimeSpan minInterval) : IDisposable
    {
        private const int Idle = 0, Running = 1, RunningDirty = 2;
        private int _state;
        private volatile bool _disposed;
        private long _lastStart = long.MinValue;

        public TKey Key { get; } = key;

        public void Signal()
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                if (state == RunningDirty)
                    return;
                var next = state == Idle ? Running : RunningDirty;
                if (Interlocked.CompareExchange(ref _state, next, state) != state)
                    continue;
                if (state == Idle)
                    _ = Task.Run(RunAsync);
                return;
            }
        }

        private async Task RunAsync()
        {
            while (true)
            {
                await WaitForIntervalAsync();
                if (!_disposed)
                {
                    _lastStart = owner._time.GetTimestamp();
                    try
                    {
                        await onChange();
                    }
                    catch (Exception e)
                    {
                        // A failing subscriber (a closed circuit, a query that threw) must not break publishing for others.
                        owner._logger.LogWarning(e, "A subscriber of {Notifier} for {Key} failed", owner.GetType().Name, Key);
                    }
                }
                if (Interlocked.CompareExchange(ref _state, Idle, Running) == Running)
                    return;
                // Published while we ran: run once more for all of them.
                Volatile.Write(ref _state, Running);
            }
        }

        private async Task WaitForIntervalAsync()
        {
            if (minInterval <= TimeSpan.Zero || _lastStart == long.MinValue)
                return;
            var wait = minInterval - owner._time.GetElapsedTime(_lastStart);
            if (wait > TimeSpan.Zero && !_disposed)
                await Task.Delay(wait, owner._time);
        }

        public void Dispose()
        {
            _disposed = true;
            owner.Remove(this);
        }
    }
}

/// <summary>How often a live view (a page, a hub client) is refreshed at most: a few times a second, everywhere the same.</summary>
public static class LiveUpdates
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
}

/// <summary>Organisation-wide changes the shell shows everywhere, such as the wallet balance in the header.</summary>
public sealed class WalletNotifier(TimeProvider time, ILogger<WalletNotifier> logger) : ChangeNotifier<Guid>(time, logger);

/// <summary>Progress of one campaign (counts, status), keyed by campaign id: detail pages subscribe.</summary>
public sealed class CampaignNotifier(TimeProvider time, ILogger<CampaignNotifier> logger) : ChangeNotifier<Guid>(time, logger);

/// <summary>Any campaign of an organisation changed, keyed by organisation id: lists and the monitor subscribe.</summary>
public sealed class OrganisationCampaignsNotifier(TimeProvider time, ILogger<OrganisationCampaignsNotifier> logger) : ChangeNotifier<Guid>(time, logger);
