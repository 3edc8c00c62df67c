using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Dispatch;

/// <summary>
/// The one owner of sending. Each cycle: start due campaigns, release held messages when provider credit returns,
/// claim a batch of due queued messages, submit them under the rate limit, record outcomes with the wallet's
/// charges and refunds, apply delivery receipts, finish campaigns. The database holds every state, so a restart
/// resumes: a message claimed but not recorded is submitted again with the same id, which the provider ignores.
/// </summary>
public sealed class Dispatcher(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    ISmsProvider provider,
    DeliveryReceiptQueue receipts,
    DispatchSignal signal,
    DispatchActivity activity,
    WriteTurns turns,
    IOptions<DispatchOptions> options,
    IOptions<SendingOptions> sending,
    TimeProvider clock,
    CampaignNotifier campaignChanges,
    OrganisationCampaignsNotifier organisationChanges,
    WalletNotifier walletChanges,
    ILogger<Dispatcher> logger) : BackgroundService
{
    private DateTime _windowStart;
    private int _sentInWindow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                worked = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Dispatch cycle failed; retrying shortly");
            }
            if (!worked)
            {
                try
                {
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(options.Value.IdleDelayMs), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>One cycle; true when it did anything (so the loop goes again at once).</summary>
    public async Task<bool> RunOnceAsync(CancellationToken ct = default)
    {
        var touched = new HashSet<(Guid Organisation, Guid Campaign)>();
        List<Claimed> claimed;
        using (await turns.TakeAsync(ct))
        {
            await StartDueCampaignsAsync(touched, ct);
            await ReleaseHeldAsync(touched, ct);
            claimed = await ClaimAsync(touched, ct);
        }
        // A batch takes seconds to submit under the rate limit: recording (and publishing) it in parts of about a
        // quarter second each lets live pages follow the counts instead of jumping a whole batch at a time.
        foreach (var part in claimed.Chunk(RecordSize()))
        {
            activity.MarkBusy();
            var chunk = part.ToList();
            var results = await SubmitAsync(chunk, ct);
            var recorded = new HashSet<(Guid Organisation, Guid Campaign)>();
            using (await turns.TakeAsync(ct))
            {
                await RecordAsync(chunk, results, recorded, ct);
                if (chunk.Count < claimed.Count)
                    await RefreshCampaignsAsync(recorded, ct, fromStats: true);
            }
            touched.UnionWith(recorded);
        }
        int applied;
        using (await turns.TakeAsync(ct))
        {
            applied = await ApplyReceiptsAsync(touched, ct);
            await RefreshCampaignsAsync(touched, ct);
        }
        return claimed.Count > 0 || applied > 0 || touched.Count > 0;
    }

    private async Task StartDueCampaignsAsync(HashSet<(Guid, Guid)> touched, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db.Campaigns.Where(c => c.Status == CampaignStatus.Scheduled && c.ScheduledAt <= now).ToListAsync(ct);
        foreach (var campaign in due)
        {
            CampaignStateMachine.Move(campaign, CampaignStatus.Queued, now);
            touched.Add((campaign.OrganisationId, campaign.Id));
        }
        await db.SaveChangesAsync(ct);
    }

    // Held messages wait for provider credit; once it is back they queue again and their campaigns run.
    private async Task ReleaseHeldAsync(HashSet<(Guid, Guid)> touched, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var paused = await db.Messages.Where(m => m.Status == MessageStatus.Held).Select(m => m.CampaignId).Distinct().ToListAsync(ct);
        if (paused.Count == 0 || !await provider.HasCreditAsync(ct))
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Messages.Where(m => m.Status == MessageStatus.Held)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Queued).SetProperty(m => m.ClaimedAt, (DateTime?)null).SetProperty(m => m.UpdatedAt, now), ct);
        foreach (var campaign in await db.Campaigns.Where(c => paused.Contains(c.Id) && c.Status == CampaignStatus.Paused).ToListAsync(ct))
        {
            CampaignStateMachine.Move(campaign, CampaignStatus.Running, now);
            touched.Add((campaign.OrganisationId, campaign.Id));
        }
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Provider credit is back: {Count} paused campaign(s) resume", paused.Count);
    }

    private async Task<List<Claimed>> ClaimAsync(HashSet<(Guid, Guid)> touched, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """
            UPDATE messages SET ClaimedAt = $now
            WHERE Id IN (
                SELECT m.Id FROM messages m JOIN campaigns c ON c.Id = m.CampaignId
                WHERE m.Status = 'Queued' AND (m.ScheduledAt IS NULL OR m.ScheduledAt <= $now) AND c.Status IN ('Queued', 'Running')
                  AND ($window = 1 OR c.SenderCategory <> 'Promotional')
                ORDER BY m.Id LIMIT $limit)
            RETURNING Id, CampaignId, OrganisationId, Mobile, SenderId, Body, Segments, Cost
            """;
        Sql.Add(command, "$now", Sql.Text(now));
        Sql.Add(command, "$limit", Math.Max(1, options.Value.BatchSize));
        // A promotional campaign still running when the window closes waits, unsent, for the next opening.
        Sql.Add(command, "$window", PromotionalWindow.IsOpen(now, sending.Value) ? 1 : 0);
        var claimed = new List<Claimed>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                claimed.Add(new Claimed(Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1)), Guid.Parse(reader.GetString(2)),
                    reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6),
                    decimal.Parse(reader.GetString(7), CultureInfo.InvariantCulture)));
        }
        var starting = claimed.Select(c => c.CampaignId).Distinct().ToList();
        foreach (var campaign in await db.Campaigns.Where(c => starting.Contains(c.Id) && c.Status == CampaignStatus.Queued).ToListAsync(ct))
        {
            CampaignStateMachine.Move(campaign, CampaignStatus.Running, now);
            touched.Add((campaign.OrganisationId, campaign.Id));
        }
        await db.SaveChangesAsync(ct);
        return claimed;
    }

    // About a quarter second of sending under the rate limit, at most a batch; without a limit, the whole batch.
    private int RecordSize()
    {
        var batch = Math.Max(1, options.Value.BatchSize);
        var perSecond = options.Value.MessagesPerSecond;
        return perSecond <= 0 ? batch : Math.Clamp(perSecond / 4, 1, batch);
    }

    private async Task<SubmitResult[]> SubmitAsync(List<Claimed> claimed, CancellationToken ct)
    {
        var results = new SubmitResult[claimed.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.MaxConcurrency), CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count), parallel, async (i, token) =>
        {
            await RateLimitAsync(token);
            var message = claimed[i];
            try
            {
                results[i] = await provider.SubmitAsync(new SubmitRequest(message.Id, message.Mobile, message.SenderId, message.Body, message.Segments), token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A transport error is not a verdict on the message: leave it queued for the next cycle.
                logger.LogWarning(e, "Submitting message {Id} failed; it stays queued", message.Id);
                results[i] = null!;
            }
        });
        return results;
    }

    private readonly SemaphoreSlim _rateGate = new(1, 1);

    // A fixed window per second: simple, and exact enough for provider throughput limits.
    private async Task RateLimitAsync(CancellationToken ct)
    {
        var perSecond = options.Value.MessagesPerSecond;
        if (perSecond <= 0)
            return;
        while (true)
        {
            TimeSpan wait;
            await _rateGate.WaitAsync(ct);
            try
            {
                var now = clock.GetUtcNow().UtcDateTime;
                if (now - _windowStart >= TimeSpan.FromSeconds(1))
                {
                    _windowStart = now;
                    _sentInWindow = 0;
                }
                if (_sentInWindow < perSecond)
                {
                    _sentInWindow++;
                    return;
                }
                wait = _windowStart.AddSeconds(1) - now;
            }
            finally
            {
                _rateGate.Release();
            }
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), clock, ct);
        }
    }

    private async Task RecordAsync(List<Claimed> claimed, SubmitResult[] results, HashSet<(Guid, Guid)> touched, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE messages SET Status = $status, ProviderMessageId = $provider, ErrorCode = $code, ErrorDetail = $detail,
                SentAt = $sent, ClaimedAt = NULL, UpdatedAt = $now
            WHERE Id = $id AND Status = 'Queued'
            """;
        foreach (var name in new[] { "$status", "$provider", "$code", "$detail", "$sent", "$now", "$id" })
            Sql.Add(update, name, DBNull.Value);
        update.Parameters["$now"].Value = Sql.Text(now);

        var money = new Dictionary<(Guid Organisation, Guid Campaign), (decimal Charge, decimal Refund)>();
        var noCredit = new HashSet<Guid>();
        for (var i = 0; i < claimed.Count; i++)
        {
            var (message, result) = (claimed[i], results[i]);
            if (result is null)
                continue;
            var (status, sent) = result.Outcome switch
            {
                SubmitOutcome.Accepted => (MessageStatus.Sent, (object)Sql.Text(now)),
                SubmitOutcome.Failed => (MessageStatus.Failed, DBNull.Value),
                _ => (MessageStatus.Held, DBNull.Value),
            };
            update.Parameters["$status"].Value = status.ToString();
            update.Parameters["$provider"].Value = (object?)result.ProviderMessageId ?? DBNull.Value;
            update.Parameters["$code"].Value = (object?)result.ErrorCode ?? DBNull.Value;
            update.Parameters["$detail"].Value = (object?)result.ErrorDetail ?? DBNull.Value;
            update.Parameters["$sent"].Value = sent;
            update.Parameters["$id"].Value = Sql.Text(message.Id);
            if (await update.ExecuteNonQueryAsync(ct) == 0)
                continue; // already recorded (a cancelled message never reaches here: cancel skips claimed ones)
            var key = (message.OrganisationId, message.CampaignId);
            var (charge, refund) = money.GetValueOrDefault(key);
            money[key] = status switch
            {
                MessageStatus.Sent => (charge + message.Cost, refund),
                MessageStatus.Failed => (charge, refund + message.Cost),
                _ => (charge, refund),
            };
            if (status == MessageStatus.Held)
                noCredit.Add(message.CampaignId);
            touched.Add(key);
        }

        // One ledger entry per campaign and kind per batch keeps the ledger readable and exact.
        foreach (var ((organisation, campaign), (charge, refund)) in money)
        {
            var wallet = await db.Wallets.SingleAsync(w => w.OrganisationId == organisation, ct);
            var reference = $"campaign:{campaign:N}";
            if (charge > 0)
                db.WalletLedger.Add(wallet.Charge(charge, reference, now));
            if (refund > 0)
                db.WalletLedger.Add(wallet.Refund(refund, reference, now));
        }
        var charged = money.Where(m => m.Value.Charge > 0).ToDictionary(m => m.Key.Campaign, m => m.Value.Charge);
        foreach (var campaign in await db.Campaigns.Where(c => charged.Keys.Contains(c.Id) || noCredit.Contains(c.Id)).ToListAsync(ct))
        {
            campaign.ActualCost += charged.GetValueOrDefault(campaign.Id);
            if (noCredit.Contains(campaign.Id) && CampaignStateMachine.CanMove(campaign.Status, CampaignStatus.Paused))
            {
                CampaignStateMachine.Move(campaign, CampaignStatus.Paused, now);
                logger.LogWarning("Provider out of credit: campaign {Campaign} paused, its messages held", campaign.Id);
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        foreach (var organisation in money.Keys.Select(k => k.Organisation).Distinct())
            walletChanges.Publish(organisation);
    }

    private async Task<int> ApplyReceiptsAsync(HashSet<(Guid, Guid)> touched, CancellationToken ct)
    {
        var batch = receipts.Drain(options.Value.BatchSize * 4);
        if (batch.Count == 0)
            return 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using var update = db.Database.GetDbConnection().CreateCommand();
        update.CommandText = """
            UPDATE messages SET Status = $status, DeliveredAt = $at, ErrorCode = $code, UpdatedAt = $at
            WHERE ProviderMessageId = $provider AND +Status = 'Sent'
            RETURNING OrganisationId, CampaignId
            """;
        // The unary + keeps SQLite on the provider id's index: left to choose, it may take the status index instead
        // and scan every sent message per receipt (minutes per batch once a million messages await receipts).
        foreach (var name in new[] { "$status", "$at", "$code", "$provider" })
            Sql.Add(update, name, DBNull.Value);
        foreach (var receipt in batch)
        {
            update.Parameters["$status"].Value = (receipt.Delivered ? MessageStatus.Delivered : MessageStatus.Undelivered).ToString();
            update.Parameters["$at"].Value = Sql.Text(receipt.At);
            update.Parameters["$code"].Value = (object?)receipt.ErrorCode ?? DBNull.Value;
            update.Parameters["$provider"].Value = receipt.ProviderMessageId;
            await using var reader = await update.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
                touched.Add((Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1))));
        }
        await transaction.CommitAsync(ct);
        return batch.Count;
    }

    // Counts come from the messages themselves, so they cannot drift from the truth. Between the parts of a batch they
    // come from message_stats, which triggers keep exact in the same transactions, at a few rows' cost instead of a
    // scan of a large campaign's messages several times a second.
    private async Task RefreshCampaignsAsync(HashSet<(Guid Organisation, Guid Campaign)> touched, CancellationToken ct, bool fromStats = false)
    {
        if (touched.Count == 0)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = touched.Select(t => t.Campaign).Distinct().ToList();
        var counts = fromStats
            ? await db.MessageStats.Where(s => ids.Contains(s.CampaignId))
                .GroupBy(s => new { s.CampaignId, s.Status })
                .Select(g => new { g.Key.CampaignId, g.Key.Status, Count = g.Sum(s => s.Messages) })
                .ToListAsync(ct)
            : await db.Messages.Where(m => ids.Contains(m.CampaignId))
                .GroupBy(m => new { m.CampaignId, m.Status })
                .Select(g => new { g.Key.CampaignId, g.Key.Status, Count = g.Count() })
                .ToListAsync(ct);
        foreach (var campaign in await db.Campaigns.Where(c => ids.Contains(c.Id)).ToListAsync(ct))
        {
            int Count(params MessageStatus[] statuses) => counts.Where(c => c.CampaignId == campaign.Id && statuses.Contains(c.Status)).Sum(c => c.Count);
            campaign.SentCount = Count(MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Undelivered);
            campaign.DeliveredCount = Count(MessageStatus.Delivered);
            campaign.FailedCount = Count(MessageStatus.Failed, MessageStatus.Blocked);
            if (campaign.Status == CampaignStatus.Running && Count(MessageStatus.Queued, MessageStatus.Held) == 0)
                CampaignStateMachine.Move(campaign, CampaignStatus.Completed, now);
        }
        await db.SaveChangesAsync(ct);
        foreach (var (organisation, campaign) in touched)
        {
            campaignChanges.Publish(campaign);
            organisationChanges.Publish(organisation);
        }
    }

    private sealed record Claimed(Guid Id, Guid CampaignId, Guid OrganisationId, string Mobile, string SenderId, string Body, int Segments, decimal Cost);
}
