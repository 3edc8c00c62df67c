using System.Collections.Concurrent;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// Endpoints the worker holds back after a delivery to them failed in a way worth retrying (no answer, 5xx, 429): their
/// other events wait until that delivery's retry instead of each costing a timeout in batches shared with every other
/// endpoint. In memory only: after a restart the first failure holds the endpoint again. Enabling an endpoint, re-sending
/// a delivery or sending a test event releases it.
/// </summary>
public sealed class WebhookEndpointHolds
{
    private readonly ConcurrentDictionary<Guid, DateTime> _until = new();

    /// <summary>When the endpoint's events may go out again, if it is held at <paramref name="now"/>.</summary>
    public DateTime? HeldUntil(Guid endpointId, DateTime now) =>
        _until.TryGetValue(endpointId, out var until) && until > now ? until : null;

    /// <summary>Holds the endpoint until <paramref name="until"/>, or longer if it is held longer already.</summary>
    public void Hold(Guid endpointId, DateTime until) =>
        _until.AddOrUpdate(endpointId, until, (_, held) => held > until ? held : until);

    public void Release(Guid endpointId) => _until.TryRemove(endpointId, out _);
}
