using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
        // The refund is the cost of the rows this statement changed (RETURNING), never of rows read before it: on
        // PostgreSQL another instance may claim some in between, and those are not cancelled.
        var costs = await UpdateReturningCostsAsync(db, """
            UPDATE messages SET Status = 'Cancelled', UpdatedAt = @now
            WHERE CampaignId = @campaign AND (Status = 'Held' OR (Status = 'Queued' AND (ClaimedAt IS NULL OR ClaimedAt < @stale)))
            RETURNING Cost
            """, campaignId, now, ct);
        money.Refund(organisationId, campaignId, costs.Sum());
        return costs.Count;
    }

    /// <summary>Runs an UPDATE of one campaign's messages (<c>@campaign</c>, <c>@now</c>, <c>@stale</c>) in the context's transaction and returns the costs of the rows it changed.</summary>
    internal static async Task<List<decimal>> UpdateReturningCostsAsync(TalkNTalkDbContext db, string sql, Guid campaignId, DateTime now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var command = Sql.Command(db.Database.GetDbConnection(), sql);
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        Sql.Set(command, "@campaign", campaignId);
        if (command.Parameters.Contains("@now"))
            Sql.Set(command, "@now", now);
        if (command.Parameters.Contains("@stale"))
            Sql.Set(command, "@stale", now - ClaimLease);
        var costs = new List<decimal>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            costs.Add(Sql.ReadDecimal(reader, 0));
        return costs;
    }

    public static Task<int> InFlightAsync(TalkNTalkDbContext db, Guid campaignId, DateTime now, CancellationToken ct)
    {
        var staleClaim = now - ClaimLease;
        return db.Messages.CountAsync(m => m.CampaignId == campaignId
            && (m.Status == MessageStatus.Submitting || (m.Status == MessageStatus.Queued && m.ClaimedAt != null && m.ClaimedAt >= staleClaim)), ct);
    }
}
