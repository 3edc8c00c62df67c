using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TalkNTalk.Core.Notifications;

/// <summary>
/// Publish/subscribe keyed by an id (an organisation, a campaign). A publisher never waits on a
/// subscriber: each subscription runs at most one callback at a time, and publishes that arrive meanwhile
/// coalesce into a single re-run, so a slow browser circuit sees the latest state rather than a backlog.
/// A subscription may ask for a minimum interval between runs (a page re-rendering a few times a second);
/// the last change is never dropped, only delayed. A failing callback is logged and the subscription lives on.
/// A notifier made with a <see cref="ChangeBackplane"/> also tells the other app instances on the database, whose
/// subscribers it reaches the same way; without one (SQLite, one instance) it stays in this process.
/// </summary>
public class ChangeNotifier<TKey> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, ConcurrentDictionary<Subscription, byte>> _subscribers = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string>? _toOtherInstances;

    public ChangeNotifier() : this(TimeProvider.System, NullLogger.Instance)
    {
    }

    public ChangeNotifier(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>A notifier whose changes also reach the other instances through <paramref name="backplane"/> (null: this process only).</summary>
    /// <param name="topic">The notifier's name on the backplane, the same in every instance.</param>
    /// <param name="parseKey">Reads a key back from its invariant text.</param>
    protected ChangeNotifier(TimeProvider time, ILogger logger, ChangeBackplane? backplane, string topic, Func<string, TKey> parseKey)
        : this(time, logger)
    {
        _toOtherInstances = backplane?.Join(topic, key => PublishHere(parseKey(key)), PublishEveryKeyHere);
    }

    /// <summary>Calls <paramref name="onChange"/> after changes to <paramref name="key"/> until the result is disposed,
    /// starting runs at least <paramref name="minInterval"/> apart.</summary>
    public IDisposable Subscribe(TKey key, Func<Task> onChange, TimeSpan minInterval = default)
    {
        var subscription = new Subscription(this, key, onChange, minInterval);
        _subscribers.GetOrAdd(key, static _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Signals a change here and, for a notifier on a backplane, in the other instances; returns at once.</summary>
    public void Publish(TKey key)
    {
        PublishHere(key);
        _toOtherInstances?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{key}"));
    }

    private void PublishHere(TKey key)
    {
        if (!_subscribers.TryGetValue(key, out var set))
            return;
        foreach (var subscription in set.Keys)
            subscription.Signal();
    }

    // After the backplane was away: every live view refreshes once, whatever it may have missed.
    private void PublishEveryKeyHere()
    {
        foreach (var key in _subscribers.Keys)
            PublishHere(key);
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
public sealed class WalletNotifier(TimeProvider time, ILogger<WalletNotifier> logger, ChangeBackplane? backplane = null)
    : ChangeNotifier<Guid>(time, logger, backplane, "wallet", Guid.Parse);

/// <summary>Progress of one campaign (counts, status), keyed by campaign id: detail pages subscribe.</summary>
public sealed class CampaignNotifier(TimeProvider time, ILogger<CampaignNotifier> logger, ChangeBackplane? backplane = null)
    : ChangeNotifier<Guid>(time, logger, backplane, "campaign", Guid.Parse);

/// <summary>Any campaign of an organisation changed, keyed by organisation id: lists, the monitor and the hub subscribe.</summary>
public sealed class OrganisationCampaignsNotifier(TimeProvider time, ILogger<OrganisationCampaignsNotifier> logger, ChangeBackplane? backplane = null)
    : ChangeNotifier<Guid>(time, logger, backplane, "organisation-campaigns", Guid.Parse);
