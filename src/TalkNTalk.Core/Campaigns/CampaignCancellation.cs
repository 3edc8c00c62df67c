using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Campaigns;

/// <summary>
/// What cancelling a campaign does to its messages, in one place for the cancel button and the dispatcher (which
/// hands back the claimed messages of a cancelled campaign it did not submit): every message still waiting is
/// cancelled and its reserved credit refunded. Messages being handed to the provider finish.
/// </summary>
public static class CampaignCancellation
{
    /// <summary>A claim younger than this may be with the provider now; an older one belongs to a dispatcher that died.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    /// <summary>Cancels the campaign's waiting messages, adding their refund to <paramref name="money"/>; in the caller's transaction.</summary>
    public static async Task<int> CancelWaitingAsync(TalkNTalkDbContext db, Guid organisationId, Guid campaignId, CampaignMoney money, DateTime now, CancellationToken ct)
    {
        var staleClaim = now - ClaimLease;
        var waiting = db.Messages.Where(m => m.CampaignId == campaignId
            && (m.Status == MessageStatus.Held || (m.Status == MessageStatus.Queued && (m.ClaimedAt == null || m.ClaimedAt < staleClaim))));
        var costs = await waiting.Select(m => m.Cost).ToListAsync(ct);
        var cancelled = await waiting.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Cancelled).SetProperty(m => m.UpdatedAt, now), ct);
        money.Refund(organisationId, campaignId, costs.Sum());
        return cancelled;
    }

    /// <summary>Messages of the campaign a dispatcher holds now: claimed within the lease, or being handed over.</summary>
    public static Task<int> InFlightAsync(TalkNTalkDbContext db, Guid campaignId, DateTime now, CancellationToken ct)
    {
        var staleClaim = now - ClaimLease;
        return db.Messages.CountAsync(m => m.CampaignId == campaignId
            && (m.Status == MessageStatus.Submitting || (m.Status == MessageStatus.Queued && m.ClaimedAt != null && m.ClaimedAt >= staleClaim)), ct);
    }
}
