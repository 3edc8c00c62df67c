using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace TalkNTalk.Core.Notifications;

/// <summary>
/// What one app instance tells the others on the same database: a change to one key of a topic (a campaign's
/// progress, an organisation's wallet, an ended session, an origin's secret). A participant joins a topic with what
/// it does when another instance reports a change and what it does after a time it may have missed some; it sends
/// through the function <see cref="Join"/> returns, which never waits. Distinct changes are gathered until
/// <see cref="PostgresBackplane"/> carries them over. Registered only on PostgreSQL: on SQLite there is one instance,
/// participants get no backplane and publish in their own process only.
/// </summary>
public sealed class ChangeBackplane(Instances.InstanceRegistry instance, ILogger<ChangeBackplane> logger)
{
    private readonly Dictionary<string, Participant> _topics = [];
    private readonly Lock _gate = new();
    private HashSet<BackplaneChange> _pending = [];
    private readonly Channel<byte> _waiting = Channel.CreateBounded<byte>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>This process among the instances (<see cref="Instances.InstanceRegistry"/>): it ignores what it sent itself.</summary>
    public Guid InstanceId => instance.Id;

    /// <summary>Takes part in <paramref name="topic"/>; returns how to tell the other instances that a key of it changed.</summary>
    /// <param name="receive">Applies another instance's change here only (it must not send again); called on the listener's thread, so it returns quickly.</param>
    /// <param name="missed">Catches up after the listener was disconnected, when changes may have gone unheard.</param>
    public Action<string> Join(string topic, Action<string> receive, Action missed)
    {
        lock (_gate)
        {
            if (!_topics.TryAdd(topic, new Participant(receive, missed)))
                throw new InvalidOperationException($"The backplane topic '{topic}' has a participant already.");
        }
        return key => Send(new BackplaneChange(topic, key));
    }

    private void Send(BackplaneChange change)
    {
        lock (_gate)
            _pending.Add(change);
        _waiting.Writer.TryWrite(0);
    }

    /// <summary>Waits until a change is waiting to be sent.</summary>
    internal async Task WaitForChangesAsync(CancellationToken ct) => await _waiting.Reader.ReadAsync(ct);

    /// <summary>The distinct changes waiting to be sent, taken out.</summary>
    internal IReadOnlyCollection<BackplaneChange> TakePending()
    {
        lock (_gate)
        {
            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>Changes that could not be sent wait for the next attempt (merged with any sent meanwhile).</summary>
    internal void PutBack(IEnumerable<BackplaneChange> changes)
    {
        lock (_gate)
            _pending.UnionWith(changes);
        _waiting.Writer.TryWrite(0);
    }

    /// <summary>A change another instance sent, applied here.</summary>
    internal void Receive(BackplaneChange change)
    {
        Participant? participant;
        lock (_gate)
            _topics.TryGetValue(change.Topic, out participant);
        // A topic nobody here joined has nothing to refresh (its service was never used in this process).
        if (participant is null)
            return;
        try
        {
            participant.Receive(change.Key);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Backplane: applying a change of {Topic} ({Key}) from another instance failed", change.Topic, change.Key);
        }
    }

    /// <summary>Every participant catches up: the listener was away and changes may have gone unheard.</summary>
    internal void Missed()
    {
        Participant[] participants;
        lock (_gate)
            participants = [.. _topics.Values];
        foreach (var participant in participants)
        {
            try
            {
                participant.Missed();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Backplane: catching up after a disconnection failed");
            }
        }
    }

    private sealed record Participant(Action<string> Receive, Action Missed);
}

/// <summary>One key of one topic changed.</summary>
public readonly record struct BackplaneChange(string Topic, string Key);
