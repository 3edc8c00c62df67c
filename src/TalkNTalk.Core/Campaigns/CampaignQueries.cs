using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Campaigns;

/// <summary>A campaign as compose starts from it again.</summary>
public sealed record CampaignDraft(string Name, string Message, string SenderId, IReadOnlyList<Guid> AddressBookIds, Channel Channel = Channel.Sms, string? Subject = null);

public sealed record CampaignView(
    Guid Id, string Name, string Message, string SenderId, SenderIdCategory SenderCategory, CampaignStatus Status, MessageSource Source,
    int RecipientsCount, int SentCount, int DeliveredCount, int FailedCount, int QueuedCount, int HeldCount, int CancelledCount,
    decimal EstimatedCost, decimal ActualCost, string? CreatedBy, DateTime CreatedAt, DateTime? ScheduledAt, DateTime? StartedAt, DateTime? FinishedAt,
    int UndeliveredCount = 0, int UnknownCount = 0, Channel Channel = Channel.Sms, string? Subject = null)
{
    /// <summary>Messages that reached a final or submitted state, for the progress bar.</summary>
    public int ProcessedCount => SentCount + FailedCount + CancelledCount;

    /// <summary>sent_count / recipients_count × 100, rounded to one decimal, as the campaign-status document defines it.</summary>
    public decimal DeliveryRate => RecipientsCount == 0 ? 0 : Math.Round(100m * SentCount / RecipientsCount, 1, MidpointRounding.AwayFromZero);
}

/// <summary>Cumulative messages sent and delivered up to <see cref="At"/> (UTC), for the progress chart.</summary>
public sealed record ProgressPoint(DateTime At, int Sent, int Delivered, int Failed = 0);

/// <summary>Messages of the organisation's campaigns created today (its local day): the monitor's totals.</summary>
public sealed record DayTotals(int Sent, int Delivered, int Failed);

public sealed record CampaignFilter(CampaignStatus? Status = null, MessageSource? Source = null, DateTime? From = null, DateTime? To = null, string? Search = null,
    Channel? Channel = null);

/// <summary>What a cancel did: messages cancelled and refunded, and messages already on their way to the provider, which finish.</summary>
public sealed record CancelResult(int Cancelled, int InFlight);

public sealed record CampaignMessageView(Guid Id, string Address, string Body, MessageStatus Status, int Segments, decimal Cost, string? ErrorDetail, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>Reads campaigns for lists and detail pages, and applies the controls a person has: pause, resume, cancel.</summary>
public sealed class CampaignQueries(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    TimeProvider clock,
    CampaignNotifier campaignChanges,
    OrganisationCampaignsNotifier organisationChanges,
    WalletNotifier walletChanges,
    DispatchSignal dispatch)
{
    public async Task<(IReadOnlyList<CampaignView> Items, int Total)> ListAsync(Guid organisationId, CampaignFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Campaigns.AsNoTracking().Where(c => c.OrganisationId == organisationId);
        if (filter.Status is { } status)
            query = query.Where(c => c.Status == status);
        if (filter.Source is { } source)
            query = query.Where(c => c.Source == source);
        if (filter.Channel is { } channel)
            query = query.Where(c => c.Channel == channel);
        if (filter.From is { } from)
            query = query.Where(c => c.CreatedAt >= from);
        if (filter.To is { } to)
            query = query.Where(c => c.CreatedAt < to);
        if (!string.IsNullOrWhiteSpace(filter.Search))
            query = query.Where(c => Like.Matches(c.Name, Like.Contains(filter.Search.Trim())));
        var total = await query.CountAsync(ct);
        var campaigns = await query.OrderByDescending(c => c.CreatedAt).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        var pending = await PendingCountsAsync(db, campaigns.Select(c => c.Id).ToList(), ct);
        return (campaigns.Select(c => ToView(c, pending)).ToList(), total);
    }

    /// <summary>Campaigns running now or finished in the last <paramref name="recent"/>, for the wall-screen monitor.</summary>
    public async Task<IReadOnlyList<CampaignView>> LiveAsync(Guid organisationId, TimeSpan recent, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow().UtcDateTime - recent;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => c.OrganisationId == organisationId
                        && (c.Status == CampaignStatus.Running || c.Status == CampaignStatus.Queued || c.Status == CampaignStatus.Paused
                            || c.FinishedAt >= since))
            // Unfinished campaigns first, so a long-running one is never pushed off the screen by many short ones.
            .OrderBy(c => c.FinishedAt == null ? 0 : 1).ThenByDescending(c => c.CreatedAt).Take(24).ToListAsync(ct);
        var pending = await PendingCountsAsync(db, campaigns.Select(c => c.Id).ToList(), ct);
        return campaigns.Select(c => ToView(c, pending)).ToList();
    }

    /// <summary>What compose needs to send a campaign again ("Duplicate"): its name, message, sender ID and address books.</summary>
    public async Task<CampaignDraft?> DraftFromAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.OrganisationId == organisationId, ct);
        if (campaign is null)
            return null;
        var books = (campaign.AddressBookIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => Guid.TryParse(text, out var book) ? book : Guid.Empty).Where(book => book != Guid.Empty).ToList();
        return new CampaignDraft(campaign.Name, campaign.Message, campaign.SenderId, books, campaign.Channel, campaign.Subject);
    }

    public async Task<CampaignView> GetAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var campaign = await FindAsync(db, organisationId, id, ct);
        return ToView(campaign, await PendingCountsAsync(db, [id], ct));
    }

    public async Task<(IReadOnlyList<CampaignMessageView> Items, int Total)> MessagesAsync(Guid organisationId, Guid campaignId, MessageStatus? status, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await FindAsync(db, organisationId, campaignId, ct);
        var query = db.Messages.AsNoTracking().Where(m => m.CampaignId == campaignId);
        if (status is { } s)
            query = query.Where(m => m.Status == s);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(m => m.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500))
            .Select(m => new CampaignMessageView(m.Id, m.Address, m.Body, m.Status, m.Segments, m.Cost, m.ErrorDetail, m.CreatedAt, m.UpdatedAt))
            .ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>Sent and delivered over time: per second for a short campaign, per minute for a long one.</summary>
    public async Task<IReadOnlyList<ProgressPoint>> ProgressAsync(Guid organisationId, Guid campaignId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var campaign = await FindAsync(db, organisationId, campaignId, ct);
        var span = (campaign.FinishedAt ?? clock.GetUtcNow().UtcDateTime) - (campaign.StartedAt ?? campaign.CreatedAt);
        // A prefix of the time as sortable text is a time bucket ("yyyy-MM-dd HH:mm" or "...:ss"; ProgressBucketSql).
        var length = span > TimeSpan.FromMinutes(10) ? 16 : 19;
        var sent = await BucketsAsync(db, "SentAt", campaignId, length, ct);
        var delivered = await BucketsAsync(db, "DeliveredAt", campaignId, length, ct, "Status = 'Delivered'"); // an undelivered receipt has a time too
        // A failure has no time of its own: its last update is when the provider refused it.
        var failed = await BucketsAsync(db, "UpdatedAt", campaignId, length, ct, "Status IN ('Failed', 'Blocked')");
        var buckets = sent.Keys.Union(delivered.Keys).Union(failed.Keys).Order(StringComparer.Ordinal).ToList();
        var points = new List<ProgressPoint>(buckets.Count);
        int totalSent = 0, totalDelivered = 0, totalFailed = 0;
        foreach (var bucket in buckets)
        {
            totalSent += sent.GetValueOrDefault(bucket);
            totalDelivered += delivered.GetValueOrDefault(bucket);
            totalFailed += failed.GetValueOrDefault(bucket);
            var at = DateTime.ParseExact(bucket, length == 16 ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            points.Add(new ProgressPoint(DateTime.SpecifyKind(at, DateTimeKind.Utc), totalSent, totalDelivered, totalFailed));
        }
        return points;
    }

    private static async Task<Dictionary<string, int>> BucketsAsync(TalkNTalkDbContext db, string column, Guid campaignId, int length, CancellationToken ct, string condition = "1 = 1")
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ProgressBucketSql.For(connection).Bucket(column)}, COUNT(*) FROM messages WHERE CampaignId = @campaign AND {column} IS NOT NULL AND {condition} GROUP BY 1";
        Sql.Add(command, "@length", length);
        Sql.Add(command, "@campaign", campaignId);
        var buckets = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            buckets[reader.GetString(0)] = reader.GetInt32(1);
        return buckets;
    }

    /// <summary>Sent, delivered and failed messages of campaigns created today in the organisation's zone, from <c>message_stats</c>.</summary>
    public async Task<DayTotals> TodayAsync(Guid organisationId, string? timeZoneId, CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(OrganisationTime.ToLocal(clock.GetUtcNow().UtcDateTime, timeZoneId).DateTime);
        var start = OrganisationTime.DayStartUtc(today, timeZoneId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.MessageStats.AsNoTracking()
            .Where(s => s.OrganisationId == organisationId && s.CreatedAt >= start && s.Messages > 0)
            .GroupBy(s => s.Status).Select(g => new { Status = g.Key, Messages = g.Sum(s => s.Messages) })
            .ToListAsync(ct);
        int Count(params MessageStatus[] statuses) => rows.Where(r => statuses.Contains(r.Status)).Sum(r => r.Messages);
        return new DayTotals(Count(MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Undelivered), Count(MessageStatus.Delivered),
            Count(MessageStatus.Failed, MessageStatus.Blocked));
    }

    /// <summary>Messages each campaign handed to the network in the last <paramref name="window"/>: the monitor's throughput.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> RecentlySentAsync(IReadOnlyCollection<Guid> campaignIds, TimeSpan window, CancellationToken ct = default)
    {
        if (campaignIds.Count == 0)
            return new Dictionary<Guid, int>();
        var since = clock.GetUtcNow().UtcDateTime - window;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Messages.AsNoTracking()
            .Where(m => campaignIds.Contains(m.CampaignId) && m.SentAt >= since)
            .GroupBy(m => m.CampaignId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
    }

    /// <summary>Stops sending; messages already with the provider finish, the rest wait.</summary>
    public Task PauseAsync(Guid organisationId, Guid id, CancellationToken ct = default) => MoveAsync(organisationId, id, CampaignStatus.Paused, ct);

    public Task ResumeAsync(Guid organisationId, Guid id, CancellationToken ct = default) => MoveAsync(organisationId, id, CampaignStatus.Running, ct);

    /// <summary>
    /// Cancels every message not yet handed to the provider and refunds their reserved credit. The dispatcher stops
    /// handing over the campaign's messages within a quarter second; those already on their way
    /// (<see cref="CancelResult.InFlight"/>) finish.
    /// </summary>
    public async Task<CancelResult> CancelAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var campaign = await FindAsync(db, organisationId, id, ct);
        if (CampaignStateMachine.IsFinished(campaign.Status))
            throw new DomainException("invalid_transition", $"This campaign is already {campaign.Status.ToString().ToLowerInvariant()}: there is nothing left to cancel.");
        // Rows are locked in the dispatcher's recording order (messages, wallet, campaign), so the two never deadlock
        // on PostgreSQL; the campaign's move is written last, in the same transaction.
        var money = new CampaignMoney();
        var cancelled = await CampaignCancellation.CancelWaitingAsync(db, organisationId, id, money, now, ct);
        var inFlight = await CampaignCancellation.InFlightAsync(db, id, now, ct);
        await money.ApplyAsync(db, now, ct);
        CampaignStateMachine.Move(campaign, CampaignStatus.Cancelled, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        walletChanges.Publish(organisationId);
        Publish(organisationId, id);
        return new CancelResult(cancelled, inFlight);
    }

    /// <summary>
    /// An admin's decision on the campaign's messages whose outcome is unknown (handed to a provider that does not
    /// de-duplicate, its answer lost): send them again (a recipient may get one twice; a finished campaign runs again
    /// for them) or mark them failed and refund them. Returns how many were decided.
    /// </summary>
    public async Task<int> SettleUnknownAsync(Guid organisationId, Guid id, bool sendAgain, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var campaign = await FindAsync(db, organisationId, id, ct);
        var unknown = db.Messages.Where(m => m.CampaignId == id && m.Status == MessageStatus.Unknown);
        int settled;
        if (sendAgain)
        {
            if (campaign.Status is CampaignStatus.Cancelled or CampaignStatus.Failed)
                throw new DomainException("invalid_transition", $"This campaign is {campaign.Status.ToString().ToLowerInvariant()}: its unknown messages can only be marked failed.");
            settled = await unknown.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Queued).SetProperty(m => m.ClaimedAt, (DateTime?)null)
                .SetProperty(m => m.ErrorCode, (string?)null).SetProperty(m => m.ErrorDetail, (string?)null).SetProperty(m => m.UpdatedAt, now), ct);
            if (settled > 0 && campaign.Status == CampaignStatus.Completed)
                CampaignStateMachine.Reopen(campaign);
        }
        else
        {
            // Refunds what this statement failed (RETURNING): a report may settle one of them meanwhile.
            var costs = await CampaignCancellation.UpdateReturningCostsAsync(db, """
                UPDATE messages SET Status = 'Failed', ErrorCode = 'outcome_unknown',
                    ErrorDetail = 'Marked failed by an admin: the SMS provider''s answer was lost.', UpdatedAt = @now
                WHERE CampaignId = @campaign AND Status = 'Unknown'
                RETURNING Cost
                """, id, now, ct);
            settled = costs.Count;
            var money = new CampaignMoney();
            money.Refund(organisationId, id, costs.Sum());
            await money.ApplyAsync(db, now, ct);
            campaign.FailedCount += settled;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        walletChanges.Publish(organisationId);
        Publish(organisationId, id);
        if (sendAgain)
            dispatch.Wake();
        return settled;
    }

    private async Task MoveAsync(Guid organisationId, Guid id, CampaignStatus to, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var campaign = await FindAsync(db, organisationId, id, ct);
        CampaignStateMachine.Move(campaign, to, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        Publish(organisationId, id);
        dispatch.Wake();
    }

    private void Publish(Guid organisationId, Guid id)
    {
        campaignChanges.Publish(id);
        organisationChanges.Publish(organisationId);
    }

    private static async Task<Campaign> FindAsync(TalkNTalkDbContext db, Guid organisationId, Guid id, CancellationToken ct) =>
        await db.Campaigns.SingleOrDefaultAsync(c => c.OrganisationId == organisationId && c.Id == id, ct) ?? throw DomainException.NotFound("Campaign");

    private static async Task<Dictionary<(Guid, MessageStatus), int>> PendingCountsAsync(TalkNTalkDbContext db, List<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
            return [];
        var rows = await db.Messages.AsNoTracking()
            .Where(m => ids.Contains(m.CampaignId) && (m.Status == MessageStatus.Queued || m.Status == MessageStatus.Held || m.Status == MessageStatus.Cancelled
                        || m.Status == MessageStatus.Undelivered || m.Status == MessageStatus.Submitting || m.Status == MessageStatus.Unknown))
            .GroupBy(m => new { m.CampaignId, m.Status })
            .Select(g => new { g.Key.CampaignId, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        return rows.ToDictionary(r => (r.CampaignId, r.Status), r => r.Count);
    }

    private static CampaignView ToView(Campaign c, Dictionary<(Guid, MessageStatus), int> pending) => new(
        c.Id, c.Name, c.Message, c.SenderId, c.SenderCategory, c.Status, c.Source,
        c.RecipientsCount, c.SentCount, c.DeliveredCount, c.FailedCount,
        pending.GetValueOrDefault((c.Id, MessageStatus.Queued)) + pending.GetValueOrDefault((c.Id, MessageStatus.Submitting)),
        pending.GetValueOrDefault((c.Id, MessageStatus.Held)), pending.GetValueOrDefault((c.Id, MessageStatus.Cancelled)),
        c.EstimatedCost, c.ActualCost, c.CreatedBy, c.CreatedAt, c.ScheduledAt, c.StartedAt, c.FinishedAt,
        pending.GetValueOrDefault((c.Id, MessageStatus.Undelivered)), pending.GetValueOrDefault((c.Id, MessageStatus.Unknown)), c.Channel, c.Subject);
}
