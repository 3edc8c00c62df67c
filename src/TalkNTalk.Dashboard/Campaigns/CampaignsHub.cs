using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Campaigns;

/// <summary>One campaign's numbers as screens that are not Blazor receive them.</summary>
public sealed record CampaignProgress(Guid Id, string Name, string Status, int RecipientsCount, int SentCount, int DeliveredCount, int FailedCount,
    int QueuedCount, decimal DeliveryRate, DateTime CreatedAt);

/// <summary>
/// <c>/hubs/campaigns</c>: a signed-in member, or a client with a read API key (header, or <c>access_token</c>),
/// joins their organisation's stream and receives <c>campaigns</c> events (the running and recently finished
/// campaigns) whenever any of them changes.
/// </summary>
[Authorize(Policy = Api.V1.ApiEndpoints.LivePolicy)]
public sealed class CampaignsHub(CampaignHubRelay relay) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var organisationId = Context.User!.OrganisationIdOf();
        await Groups.AddToGroupAsync(Context.ConnectionId, organisationId.ToString());
        relay.Watch(organisationId);
        // A new screen gets the current picture at once, not at the next change.
        await Clients.Caller.SendAsync("campaigns", await relay.SnapshotAsync(organisationId, Context.ConnectionAborted));
        await base.OnConnectedAsync();
    }
}

/// <summary>Relays the in-process campaign notifier to the hub, one subscription per organisation with screens.</summary>
public sealed class CampaignHubRelay(IHubContext<CampaignsHub> hub, OrganisationCampaignsNotifier notifier, CampaignQueries campaigns) : IDisposable
{
    private static readonly TimeSpan Recent = TimeSpan.FromHours(6);
    private readonly ConcurrentDictionary<Guid, IDisposable> _subscriptions = new();

    public void Watch(Guid organisationId) =>
        _subscriptions.GetOrAdd(organisationId, id => notifier.Subscribe(id,
            async () => await hub.Clients.Group(id.ToString()).SendAsync("campaigns", await SnapshotAsync(id, CancellationToken.None)),
            LiveUpdates.Interval)); // the notifier coalesces bursts and spaces events as it does for pages

    public async Task<IReadOnlyList<CampaignProgress>> SnapshotAsync(Guid organisationId, CancellationToken ct) =>
        (await campaigns.LiveAsync(organisationId, Recent, ct))
        .Select(c => new CampaignProgress(c.Id, c.Name, c.Status.ToString().ToLowerInvariant(), c.RecipientsCount, c.SentCount, c.DeliveredCount,
            c.FailedCount, c.QueuedCount + c.HeldCount, c.DeliveryRate, c.CreatedAt))
        .ToList();

    public void Dispose()
    {
        foreach (var subscription in _subscriptions.Values)
            subscription.Dispose();
    }
}
