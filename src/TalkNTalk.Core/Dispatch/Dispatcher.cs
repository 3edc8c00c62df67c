using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Dispatch;

/// <summary>
/// The one owner of sending. Each channel has a loop of its own, with its own slots and its provider's lane (rate
/// limit, circuit), so a slow or failing channel never holds up another: it claims due queued messages of running
/// campaigns on its channel a part at a time (about a quarter second of sending), submits the part under the rate
/// limit and records its outcomes with the wallet's charges and refunds. Another loop starts due campaigns, releases
/// held messages when their provider has credit again, applies delivery reports from the inbox and finishes campaigns.
/// The database holds every state, so a restart resumes. A message claimed but not handed over is simply claimed
/// again. For a provider that de-duplicates by our id, a message handed over without a recorded answer is handed
/// over again (the provider ignores the repeat); for one that does not, each part is marked <c>Submitting</c> first,
/// and a message left so by a crash or a lost answer becomes <c>Unknown</c>: never re-sent by itself.
/// A stopping host stops handing over, lets the submissions in flight answer (up to
/// <see cref="DispatchOptions.StopGraceMs"/>) and records them.
/// </summary>
public sealed class Dispatcher(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    ChannelGateways gateways,
    DeliveryReceiptInbox inbox,
    DispatchSignal signal,
    DispatchActivity activity,
    WriteTurns turns,
    IOptions<DispatchOptions> options,
    IOptions<SendingOptions> sending,
    TimeProvider clock,
    CampaignNotifier campaignChanges,
    OrganisationCampaignsNotifier organisationChanges,
    WalletNotifier walletChanges,
    DatabaseReadiness readiness,
    Instances.InstanceRegistry instances,
    ILogger<Dispatcher> logger) : BackgroundService
{
    private readonly ReceiptApplier _receipts = new(dbFactory, clock, logger);
    private readonly CancellationTokenSource _hardStop = new();
    private readonly Dictionary<Channel, Lane> _lanes = ChannelNames.All.ToDictionary(c => c, c => new Lane(c, Math.Max(1, options.Value.MaxConcurrency)));

    // A channel's sending: its submissions in flight share MaxConcurrency slots, and its parts handed over but not yet
    // recorded form a chain, each recorded after the one before it. Both outlive a pass, so sending does not stop
    // between passes.
    private sealed class Lane(Channel channel, int slots)
    {
        public Channel Channel { get; } = channel;
        public SemaphoreSlim Slots { get; } = new(slots);
        public Task? RecordingBefore { get; set; }
        public Task? RecordingLast { get; set; }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _hardStop.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(0, options.Value.StopGraceMs)));
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WaitAsync(stoppingToken);
            // The database may be away for a moment (PostgreSQL restarting): nothing is claimed before this succeeds.
            while (true)
            {
                try
                {
                    await RecoverAsync(stoppingToken);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Dispatcher start-up could not reach the database; retrying in 5 s");
                    await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        await Task.WhenAll(gateways.Channels.Select(c => SendLoopAsync(_lanes[c], stoppingToken))
            .Append(SettleLoopAsync(stoppingToken)).Append(InstanceLoopAsync(stoppingToken)));
        // The parts still in flight answer (or the grace runs out) and are recorded before the host goes.
        foreach (var lane in _lanes.Values)
        {
            try
            {
                if (lane.RecordingLast is not null)
                    await lane.RecordingLast;
            }
            catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
            {
                // the grace ran out: the next instance finds those messages where they were
            }
        }
        // Queued messages claimed and never handed over go back at once, and the others stop waiting for this instance.
        try
        {
            await instances.LeaveAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not leave the instance list; another instance takes over after the lease");
        }
    }

    // This instance's heartbeat, and the takeover of instances that stopped beating, for as long as the host runs.
    private async Task InstanceLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(instances.Heartbeat, clock, stoppingToken);
                using var turn = await turns.TakeAsync(stoppingToken);
                await instances.BeatAsync(stoppingToken);
                var takeover = await instances.TakeOverAsync(atStart: false, stoppingToken);
                if (takeover.Stranded > 0)
                {
                    logger.LogWarning("{Count} message(s) were being handed to their provider by an instance that died: their outcome is unknown until their delivery reports arrive", takeover.Stranded);
                    await RefreshCampaignsAsync(takeover.Campaigns, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The instance heartbeat could not reach the database; retrying");
            }
        }
    }

    // One channel's sending, for as long as the host runs: passes of up to a batch, without draining between them.
    private async Task SendLoopAsync(Lane lane, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var wake = signal.Listen();
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await SendAsync(lane, drain: false, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Sending {Channel} failed; retrying shortly", lane.Channel.ToDisplayName());
            }
            var wait = gateways.For(lane.Channel)?.Remaining ?? TimeSpan.Zero;
            if (claimed > 0 && wait == TimeSpan.Zero)
                continue;
            try
            {
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, clock, stoppingToken);
                else
                    await wake.WaitAsync(TimeSpan.FromMilliseconds(options.Value.IdleDelayMs), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    // Schedules, held messages, delivery reports and counts, for as long as the host runs.
    private async Task SettleLoopAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var wake = signal.Listen();
        while (!stoppingToken.IsCancellationRequested)
        {
            var settled = Settled.Idle;
            try
            {
                settled = await SettleAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Applying delivery reports failed; retrying shortly");
            }
            try
            {
                // Reports: the next ones gather for a moment, so that they cost a transaction a tenth of a second, not one each.
                if (settled.Applied > 0)
                    await Task.Delay(ReportsOnlyPause, clock, stoppingToken);
                else if (!settled.Touched)
                    await wake.WaitAsync(TimeSpan.FromMilliseconds(options.Value.IdleDelayMs), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// What a process does before its first cycle: a message left <c>Submitting</c> by a process that died may be with
    /// the provider, so it becomes <c>Unknown</c> (it waits for its delivery report, or an admin); one left claimed but
    /// still queued was not handed over, and is free to be claimed again.
    /// </summary>
    public async Task RecoverAsync(CancellationToken ct = default)
    {
        using var turn = await turns.TakeAsync(ct);
        await instances.BeatAsync(ct);
        var takeover = await instances.TakeOverAsync(atStart: true, ct);
        var stranded = takeover.Stranded;
        // A campaign whose last part that was is complete now.
        await RefreshCampaignsAsync(takeover.Campaigns, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A report that waited for its message's answer waits no longer: that answer may have gone with a dead instance,
        // and the report is what settles the message now (one still awaited simply waits again).
        await db.DeliveryInbox.Where(r => r.RetryAt != null).ExecuteUpdateAsync(s => s.SetProperty(r => r.RetryAt, (DateTime?)null), ct);
        if (stranded > 0)
            logger.LogWarning("{Count} message(s) were being handed to their provider when their instance stopped: their outcome is unknown until their delivery reports arrive", stranded);
    }

    /// <summary>
    /// One cycle over every channel, recorded before it returns; true when it did anything (so a test goes again).
    /// Cancelling stops it handing over, gracefully.
    /// </summary>
    public async Task<bool> RunOnceAsync(CancellationToken ct = default)
    {
        var touched = new HashSet<(Guid Organisation, Guid Campaign)>();
        using (await turns.TakeAsync(ct))
        {
            await StartDueCampaignsAsync(touched, ct);
            await ReleaseHeldAsync(touched, ct);
        }
        var claimed = 0;
        foreach (var channel in gateways.Channels)
            claimed += await SendAsync(_lanes[channel], drain: true, ct);
        var applied = await ApplyReportsAsync(touched);
        return claimed > 0 || applied > 0 || touched.Count > 0;
    }

    private static readonly TimeSpan ReportsOnlyPause = TimeSpan.FromMilliseconds(100);

    private readonly record struct Settled(int Applied, bool Touched)
    {
        public static Settled Idle => default;
    }

    private async Task<Settled> SettleAsync(CancellationToken ct)
    {
        var touched = new HashSet<(Guid Organisation, Guid Campaign)>();
        using (await turns.TakeAsync(ct))
        {
            await StartDueCampaignsAsync(touched, ct);
            await ReleaseHeldAsync(touched, ct);
        }
        // A campaign that came due, or whose messages were released, has something for the channels' loops to claim.
        if (touched.Count > 0)
            signal.Wake();
        var applied = await ApplyReportsAsync(touched);
        return new Settled(applied, touched.Count > 0);
    }

    private async Task<int> ApplyReportsAsync(HashSet<(Guid Organisation, Guid Campaign)> touched)
    {
        await inbox.WrittenAsync();
        using (await turns.TakeAsync(CancellationToken.None))
        {
            var applied = await _receipts.ApplyAsync(options.Value.BatchSize * 4, touched, CancellationToken.None);
            await RefreshCampaignsAsync(touched, CancellationToken.None);
            return applied;
        }
    }

    // Claims and hands over up to a batch of the channel's messages; the number claimed. A pass of the host's loop does
    // not drain: its last parts are still answering while the next pass starts, so the provider always has
    // MaxConcurrency submissions in flight while there is anything to send.
    // A batch is claimed and handed over in parts of about a quarter second of sending each. Only a part is ever
    // claimed: a pause or cancel stops the campaign at the end of the parts in flight (the claim takes only running
    // campaigns), live pages follow the counts, and a crash can leave at most the parts in flight unrecorded.
    // The parts overlap so that the provider always has MaxConcurrency submissions in flight: the next part is
    // claimed once every message of the last one has a slot, and a part is recorded (its counts and money with it)
    // while the next one is handed over. At most two parts wait for their recording.
    // While the lane's circuit is open nothing is claimed; once its wait is over, one message probes it, alone.
    private async Task<int> SendAsync(Lane lane, bool drain, CancellationToken ct)
    {
        var touched = new HashSet<(Guid Organisation, Guid Campaign)>();
        var claimed = 0;
        while (claimed < Math.Max(1, options.Value.BatchSize) && !ct.IsCancellationRequested
               && gateways.For(lane.Channel) is { } gateway && gateway.Remaining == TimeSpan.Zero)
        {
            if (lane.RecordingBefore is not null)
                await lane.RecordingBefore;
            if (gateway.Probing && lane.RecordingLast is not null)
            {
                await lane.RecordingLast;
                if (gateway.Remaining > TimeSpan.Zero)
                    break;
            }
            List<Claimed> part;
            using (await turns.TakeAsync(ct))
                part = await ClaimAsync(lane.Channel, touched, gateway.Probing ? 1 : Math.Min(PartSize(gateway), options.Value.BatchSize - claimed),
                    !gateway.Provider.DeduplicatesByMessageId, ct);
            if (part.Count == 0)
                break;
            claimed += part.Count;
            activity.MarkBusy();
            var everyoneHasASlot = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var handing = SubmitAsync(lane, gateway, part, everyoneHasASlot, ct);
            lane.RecordingBefore = lane.RecordingLast;
            lane.RecordingLast = RecordAfterAsync(lane.RecordingLast, handing, part, lane.Channel);
            await Task.WhenAny(everyoneHasASlot.Task, handing);
        }
        // With nothing more to claim there is nothing to overlap: the last parts are recorded before returning.
        if ((drain || claimed == 0) && lane.RecordingLast is not null)
            await lane.RecordingLast;
        // Campaigns the claim started running: their pages say so now (their counts move as parts are recorded).
        Publish(touched);
        return claimed;
    }

    // Records a part once it has been handed over, after the part before it (so counts and money land in order).
    // Its counts are set and published in its own transaction, so it needs nothing from the pass that claimed it.
    private async Task RecordAfterAsync(Task? before, Task<Dictionary<Guid, Outcome>> handing, List<Claimed> part, Channel channel)
    {
        var outcomes = await handing;
        if (before is not null)
            await before;
        await RecordUntilDoneAsync(part, outcomes, channel);
    }

    // The answers are in memory only: recording is retried until it succeeds, since dropping them would hand the same
    // messages over again. Only a host that must stop now gives up; the next process then finds them where they were.
    private async Task RecordUntilDoneAsync(List<Claimed> part, Dictionary<Guid, Outcome> outcomes, Channel channel)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using (await turns.TakeAsync(_hardStop.Token))
                {
                    await RecordAsync(part, outcomes, channel, CancellationToken.None);
                }
                return;
            }
            catch (Exception e) when (!_hardStop.IsCancellationRequested)
            {
                logger.LogError(e, "Recording the answers for {Count} message(s) failed (attempt {Attempt}); trying again", part.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * attempt)), clock, _hardStop.Token);
            }
        }
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

    // Held messages wait for their provider's credit; once it is back they queue again and their campaigns run.
    private async Task ReleaseHeldAsync(HashSet<(Guid, Guid)> touched, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var held = await db.Messages.Where(m => m.Status == MessageStatus.Held).Select(m => new { m.CampaignId, m.Channel }).Distinct().ToListAsync(ct);
        if (held.Count == 0)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var channel in held.Select(h => h.Channel).Distinct())
        {
            if (gateways.For(channel) is not { } lane || !await lane.Provider.HasCreditAsync(ct))
                continue;
            await db.Messages.Where(m => m.Status == MessageStatus.Held && m.Channel == channel)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Queued).SetProperty(m => m.ClaimedAt, (DateTime?)null).SetProperty(m => m.UpdatedAt, now), ct);
            var paused = held.Where(h => h.Channel == channel).Select(h => h.CampaignId).ToList();
            foreach (var campaign in await db.Campaigns.Where(c => paused.Contains(c.Id) && c.Status == CampaignStatus.Paused).ToListAsync(ct))
            {
                CampaignStateMachine.Move(campaign, CampaignStatus.Running, now);
                touched.Add((campaign.OrganisationId, campaign.Id));
            }
            await db.SaveChangesAsync(ct);
            logger.LogInformation("{Channel} provider credit is back: {Count} paused campaign(s) resume", channel.ToDisplayName(), paused.Count);
        }
    }

    // For a provider that does not de-duplicate, the claim marks the part Submitting in the same statement: it is durable
    // before any of it is handed over, so a crash leaves at most this part's outcome unknown, never a message re-sent.
    // Each channel claims its own messages only: a message is never handed to another channel's provider. The claim goes
    // from the channel's queued and running campaigns (an index on campaigns' status and channel) to their queued
    // messages (CampaignId, Status), so an idle channel does not walk another channel's backlog.
    private async Task<List<Claimed>> ClaimAsync(Channel channel, HashSet<(Guid, Guid)> touched, int limit, bool markSubmitting, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        // The claim and its campaigns' move to Running commit together: a claim that could not finish leaves nothing
        // Submitting that was never handed over.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        // On PostgreSQL the claimed rows are locked and rows another instance is claiming are passed over (ClaimRows).
        // A claim of an instance that is gone (its row taken away by InstanceRegistry.TakeOverAsync) is free again.
        command.CommandText = (markSubmitting ? "UPDATE messages SET ClaimedAt = @now, ClaimedBy = @me, Status = 'Submitting', UpdatedAt = @now" : "UPDATE messages SET ClaimedAt = @now, ClaimedBy = @me") + $"""

            WHERE Id IN (
                SELECT m.Id FROM campaigns c CROSS JOIN messages m
                WHERE c.Status IN ('Queued', 'Running') AND c.Channel = @channel
                  AND (@window = 1 OR c.SenderCategory <> 'Promotional')
                  AND m.CampaignId = c.Id AND m.Status = 'Queued'
                  AND (m.ClaimedAt IS NULL OR m.ClaimedAt < @stale OR (m.ClaimedBy <> @me AND m.ClaimedBy NOT IN (SELECT Id FROM app_instances)))
                  AND (m.ScheduledAt IS NULL OR m.ScheduledAt <= @now)
                LIMIT @limit {SqlDialect.Of(command.Connection!).ClaimRows("m")})
            RETURNING Id, CampaignId, OrganisationId, Address, SenderId, Body, Segments, Cost
            """;
        Sql.Add(command, "@now", now);
        Sql.Add(command, "@limit", Math.Max(1, limit));
        Sql.Add(command, "@me", instances.Id);
        Sql.Add(command, "@channel", channel.ToString());
        // A message claimed by a part still in flight is not claimed again; a claim older than the lease is abandoned.
        Sql.Add(command, "@stale", now - CampaignCancellation.ClaimLease);
        // A promotional campaign still running when the window closes waits, unsent, for the next opening.
        Sql.Add(command, "@window", PromotionalWindow.IsOpen(now, sending.Value) ? 1 : 0);
        var claimed = new List<Claimed>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(CancellationToken.None))
                claimed.Add(new Claimed(Sql.ReadGuid(reader, 0), Sql.ReadGuid(reader, 1), Sql.ReadGuid(reader, 2),
                    reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6),
                    Sql.ReadDecimal(reader, 7), channel));
        }
        var starting = claimed.Select(c => c.CampaignId).Distinct().ToList();
        // An e-mail's subject is its campaign's.
        if (channel == Channel.Email && claimed.Count > 0)
        {
            var subjects = await db.Campaigns.AsNoTracking().Where(c => starting.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Subject, CancellationToken.None);
            claimed = claimed.Select(m => m with { Subject = subjects.GetValueOrDefault(m.CampaignId) }).ToList();
        }
        // Once claimed, the part is finished whatever the stopping token says: cancelling here would undo a claim that is done.
        foreach (var campaign in await db.Campaigns.Where(c => starting.Contains(c.Id) && c.Status == CampaignStatus.Queued).ToListAsync(CancellationToken.None))
        {
            CampaignStateMachine.Move(campaign, CampaignStatus.Running, now);
            touched.Add((campaign.OrganisationId, campaign.Id));
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return claimed;
    }

    // About a quarter second of sending under the rate limit; without a limit, four rounds of the submissions in flight.
    private int PartSize(GatewayLane lane)
    {
        var batch = Math.Max(1, options.Value.BatchSize);
        var perSecond = lane.MessagesPerSecond;
        return perSecond <= 0 ? Math.Min(batch, 4 * Math.Max(1, options.Value.MaxConcurrency)) : Math.Clamp(perSecond / 4, 1, batch);
    }

    // Hands the part over in order, each message in one of the dispatcher's MaxConcurrency slots (shared with the parts
    // before and after it, so the provider always has as many in flight), under the provider's rate limit and through
    // its circuit; slotted is set once every message has had its slot. A message not handed over (the host is
    // stopping, the circuit is open, the provider did not take it) has no outcome and goes back to the queue. The
    // provider's call is cancelled only by a hard stop.
    private async Task<Dictionary<Guid, Outcome>> SubmitAsync(Lane sending, GatewayLane lane, List<Claimed> part, TaskCompletionSource slotted, CancellationToken stopping)
    {
        var provider = lane.Provider;
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<Guid, Outcome>();
        async Task HandOverAsync(Claimed message)
        {
            try
            {
                await lane.AcquireAsync(stopping);
                if (stopping.IsCancellationRequested || lane.Remaining > TimeSpan.Zero)
                    return;
                var result = await lane.SubmitAsync(new SubmitRequest(message.Id, message.Address, message.SenderId, message.Body, message.Segments,
                    message.Channel, message.Subject, message.OrganisationId), _hardStop.Token);
                outcomes[message.Id] = new Outcome(result, clock.GetUtcNow().UtcDateTime);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !_hardStop.IsCancellationRequested)
            {
                // stopping while waiting for the rate limit: not handed over
            }
            catch (Exception e)
            {
                // Not a verdict on the message. Certainly not taken: it goes back to the queue. Perhaps taken: a provider
                // that de-duplicates gets it again later; for one that does not, its outcome is unknown.
                if (e is not ProviderUnavailableException && !provider.DeduplicatesByMessageId)
                    outcomes[message.Id] = new Outcome(new SubmitResult(SubmitOutcome.Unknown, ErrorCode: "outcome_unknown",
                        ErrorDetail: $"The {message.Channel.ToDisplayName()} provider's answer was lost; the message waits for its delivery report."), clock.GetUtcNow().UtcDateTime);
            }
            finally
            {
                sending.Slots.Release();
            }
        }

        var handOvers = new List<Task>(part.Count);
        try
        {
            foreach (var message in part)
            {
                if (stopping.IsCancellationRequested || lane.Remaining > TimeSpan.Zero)
                    break;
                try
                {
                    await sending.Slots.WaitAsync(stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                handOvers.Add(HandOverAsync(message));
            }
        }
        finally
        {
            slotted.TrySetResult();
        }
        await Task.WhenAll(handOvers);
        return new Dictionary<Guid, Outcome>(outcomes);
    }

    private async Task RecordAsync(List<Claimed> part, Dictionary<Guid, Outcome> outcomes, Channel channel, CancellationToken ct)
    {
        var touched = new HashSet<(Guid Organisation, Guid Campaign)>();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = db.Database.GetDbConnection();
        // Two forms: ProviderMessageId is indexed, and SQLite rewrites an index entry for every column a SET names, even
        // to the same value, so the form without it serves providers that give no id of their own (Kannel).
        DbCommand Update(bool withProviderId) => Sql.Command(connection, $"""
            UPDATE messages SET Status = @status{(withProviderId ? ", ProviderMessageId = @provider" : "")}, ErrorCode = @code, ErrorDetail = @detail,
                SentAt = @sent, ClaimedAt = NULL, UpdatedAt = @at
            WHERE Id = @id AND Status IN ('Queued', 'Submitting')
            """);
        await using var update = Update(withProviderId: false);
        await using var updateWithProviderId = Update(withProviderId: true);
        await using var handBack = Sql.Command(connection, "UPDATE messages SET Status = 'Queued', ClaimedAt = NULL, UpdatedAt = @now WHERE Id = @id AND Status IN ('Queued', 'Submitting')");
        // Where acceptance is delivery (Telegram, Slack, e-mail) a message taken is sent and delivered in the same
        // transaction: two status changes, so the webhooks and counts see both.
        var deliveredOnAcceptance = ChannelRules.DeliveredOnAcceptance(channel);
        await using var deliver = deliveredOnAcceptance
            ? Sql.Command(connection, "UPDATE messages SET Status = 'Delivered', DeliveredAt = @at, UpdatedAt = @at WHERE Id = @id AND Status = 'Sent'")
            : null;
        Sql.Set(handBack, "@now", now);
        // A message the provider will take later (a limit of its sender or recipient) waits, queued and uncharged.
        await using var defer = Sql.Command(connection,
            "UPDATE messages SET Status = 'Queued', ClaimedAt = NULL, ScheduledAt = @until, ErrorCode = @code, ErrorDetail = @detail, UpdatedAt = @now WHERE Id = @id AND Status IN ('Queued', 'Submitting')");
        Sql.Set(defer, "@now", now);

        var money = new CampaignMoney();
        var noCredit = new HashSet<Guid>();
        foreach (var message in part)
        {
            var key = (message.OrganisationId, message.CampaignId);
            if (!outcomes.TryGetValue(message.Id, out var outcome))
            {
                Sql.Set(handBack, "@id", message.Id);
                await handBack.ExecuteNonQueryAsync(ct);
                touched.Add(key);
                continue;
            }
            var result = outcome.Result;
            if (result.Outcome == SubmitOutcome.Deferred)
            {
                Sql.Set(defer, "@until", outcome.At + (result.RetryAfter ?? TimeSpan.FromSeconds(1)));
                Sql.Set(defer, "@code", result.ErrorCode);
                Sql.Set(defer, "@detail", result.ErrorDetail);
                Sql.Set(defer, "@id", message.Id);
                await defer.ExecuteNonQueryAsync(ct);
                touched.Add(key);
                continue;
            }
            var status = result.Outcome switch
            {
                SubmitOutcome.Accepted => MessageStatus.Sent,
                SubmitOutcome.Failed => MessageStatus.Failed,
                SubmitOutcome.NoCredit => MessageStatus.Held,
                _ => MessageStatus.Unknown,
            };
            var recording = result.ProviderMessageId is null ? update : updateWithProviderId;
            if (recording == updateWithProviderId)
                Sql.Set(recording, "@provider", result.ProviderMessageId);
            Sql.Set(recording, "@status", status.ToString());
            Sql.Set(recording, "@code", result.ErrorCode);
            Sql.Set(recording, "@detail", result.ErrorDetail);
            Sql.Set(recording, "@sent", status == MessageStatus.Sent ? outcome.At : null);
            Sql.Set(recording, "@at", outcome.At);
            Sql.Set(recording, "@id", message.Id);
            if (await recording.ExecuteNonQueryAsync(ct) == 0)
                continue; // already settled, e.g. by a delivery report that overtook the answer
            if (status == MessageStatus.Sent && deliver is not null)
            {
                Sql.Set(deliver, "@at", outcome.At);
                Sql.Set(deliver, "@id", message.Id);
                await deliver.ExecuteNonQueryAsync(ct);
            }
            if (status == MessageStatus.Sent)
                money.Charge(message.OrganisationId, message.CampaignId, message.Cost);
            else if (status == MessageStatus.Failed)
            {
                money.Refund(message.OrganisationId, message.CampaignId, message.Cost);
                // The person blocked the bot (or the like): the address is off the channel from now on.
                if (ChannelRules.OptOutFor(channel, result.ErrorCode) is { } reason)
                    await ContactService.InsertOptOutAsync(db, message.OrganisationId, channel, message.Address, reason, outcome.At, ct);
            }
            else if (status == MessageStatus.Held)
                noCredit.Add(message.CampaignId);
            touched.Add(key);
        }

        // Messages handed back (the host is stopping, the provider failing) of a campaign cancelled meanwhile: cancel and refund them now.
        var campaignIds = part.Select(m => m.CampaignId).Distinct().ToList();
        foreach (var campaign in await db.Campaigns.Where(c => campaignIds.Contains(c.Id) && (c.Status == CampaignStatus.Cancelled || noCredit.Contains(c.Id))).ToListAsync(ct))
        {
            if (campaign.Status == CampaignStatus.Cancelled)
                await CampaignCancellation.CancelWaitingAsync(db, campaign.OrganisationId, campaign.Id, money, now, ct);
            else if (CampaignStateMachine.CanMove(campaign.Status, CampaignStatus.Paused))
            {
                CampaignStateMachine.Move(campaign, CampaignStatus.Paused, now);
                logger.LogWarning("Provider out of credit: campaign {Campaign} paused, its messages held", campaign.Id);
            }
        }
        await money.ApplyAsync(db, now, ct);
        await CountCampaignsAsync(db, touched, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        foreach (var organisation in money.Organisations)
            walletChanges.Publish(organisation);
        Publish(touched);
    }

    private async Task RefreshCampaignsAsync(HashSet<(Guid Organisation, Guid Campaign)> touched, CancellationToken ct)
    {
        if (touched.Count == 0)
            return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await CountCampaignsAsync(db, touched, ct);
        await db.SaveChangesAsync(ct);
        Publish(touched);
    }

    // Sets the touched campaigns' counts (and completes those with nothing left to send) in the caller's context. They
    // come from message_stats, which the messages' triggers keep exact in the same transactions as the messages: a few
    // rows a campaign instead of a scan of a large campaign's messages several times a second.
    private async Task CountCampaignsAsync(TalkNTalkDbContext db, HashSet<(Guid Organisation, Guid Campaign)> touched, CancellationToken ct)
    {
        if (touched.Count == 0)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = touched.Select(t => t.Campaign).Distinct().ToList();
        var counts = await db.MessageStats.Where(s => ids.Contains(s.CampaignId))
            .GroupBy(s => new { s.CampaignId, s.Status })
            .Select(g => new { g.Key.CampaignId, g.Key.Status, Count = g.Sum(s => s.Messages) })
            .ToListAsync(ct);
        foreach (var campaign in await db.Campaigns.Where(c => ids.Contains(c.Id)).ToListAsync(ct))
        {
            int Count(params MessageStatus[] statuses) => counts.Where(c => c.CampaignId == campaign.Id && statuses.Contains(c.Status)).Sum(c => c.Count);
            campaign.SentCount = Count(MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Undelivered);
            campaign.DeliveredCount = Count(MessageStatus.Delivered);
            campaign.FailedCount = Count(MessageStatus.Failed, MessageStatus.Blocked);
            if (campaign.Status == CampaignStatus.Running && Count(MessageStatus.Queued, MessageStatus.Held, MessageStatus.Submitting) == 0)
                CampaignStateMachine.Move(campaign, CampaignStatus.Completed, now);
        }
    }

    private void Publish(HashSet<(Guid Organisation, Guid Campaign)> touched)
    {
        foreach (var (organisation, campaign) in touched)
        {
            campaignChanges.Publish(campaign);
            organisationChanges.Publish(organisation);
        }
    }

    private sealed record Outcome(SubmitResult Result, DateTime At);

    private sealed record Claimed(Guid Id, Guid CampaignId, Guid OrganisationId, string Address, string SenderId, string Body, int Segments, decimal Cost,
        Channel Channel, string? Subject = null);
}
