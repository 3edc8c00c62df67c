using System.Collections.Concurrent;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// Endpoints the worker holds back because they gave no answer (a timeout, a network error) to an event it will retry:
/// their other events wait for that retry instead of each costing a timeout in batches shared with every other
/// endpoint. Any answer from the endpoint releases it, as do enabling it, changing it, or re-sending one of its
/// deliveries; test events go out regardless. In memory only: after a restart the first silence holds it again.
/// </summary>
public sealed class WebhookEndpointHolds
{
    private readonly ConcurrentDictionary<Guid, DateTime> _until = new();

    /// <summary>When the endpoint's events may go out again, if it is held at <paramref name="now"/>.</summary>
    public DateTime? HeldUntil(Guid endpointId, DateTime now)
    {
        if (!_until.TryGetValue(endpointId, out var until))
            return null;
        if (until > now)
            return until;
        _until.TryRemove(KeyValuePair.Create(endpointId, until)); // over, unless held again meanwhile
        return null;
    }

    /// <summary>Holds the endpoint until <paramref name="until"/>, or longer if it is held longer already.</summary>
    public void Hold(Guid endpointId, DateTime until) =>
        _until.AddOrUpdate(endpointId, until, (_, held) => held > until ? held : until);

    public void Release(Guid endpointId) => _until.TryRemove(endpointId, out _);
}
