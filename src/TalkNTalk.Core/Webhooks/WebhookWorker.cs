using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// Delivers the outbox. Each cycle takes a batch of due deliveries, posts them concurrently (signed, with a timeout),
/// and records every outcome in one transaction: done, retry later (network errors, 5xx, 429, with backoff and jitter
/// or the receiver's <c>Retry-After</c>), or given up (other statuses). An endpoint that gave no answer to an event it
/// will retry is held back (<see cref="WebhookEndpointHolds"/>): its other events, in this batch and later ones, wait for
/// that retry unattempted, so one silent receiver does not cost everyone's batches a timeout per event. Endpoints that keep failing, or answer 410,
/// are disabled. A delivery is marked done only after its answer, so a restart sends it again: at least once. On
/// PostgreSQL the workers of several instances share the outbox: each claims its batch (<see cref="WebhookDueBatch"/>),
/// so no two take the same delivery, and the batch of an instance that died is due again once its claim ends.
/// </summary>
public sealed class WebhookWorker(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    IHttpClientFactory httpFactory,
    WebhookSecrets secrets,
    IOptions<WebhookOptions> options,
    WebhookNotifier changes,
    DispatchActivity dispatch,
    WriteTurns turns,
    WebhookEndpointHolds holds,
    TimeProvider clock,
    DatabaseReadiness readiness,
    ILogger<WebhookWorker> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    private const int MaxErrorLength = 300;
    private static readonly ProductInfoHeaderValue UserAgent = new("TalkNTalk-Webhooks", "1.0");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken))
                {
                    await YieldToDispatchAsync(stoppingToken);
                    continue;
                }
                if (clock.GetUtcNow() >= _nextPurge && !dispatch.IsBusy)
                {
                    await PurgeAsync(stoppingToken);
                    _nextPurge = clock.GetUtcNow().AddHours(1);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Webhook delivery cycle failed; retrying shortly");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(options.Value.IdleDelayMs), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// While a campaign is sending, deliveries take turns with it rather than compete for the CPU and SQLite's write
    /// lock: events still flow, and the backlog clears at full speed once the campaign is out.
    /// </summary>
    public async Task YieldToDispatchAsync(CancellationToken ct = default)
    {
        if (dispatch.IsBusy)
            await Task.Delay(TimeSpan.FromMilliseconds(options.Value.PauseWhileDispatchingMs), clock, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private DateTimeOffset _nextPurge;

    /// <summary>
    /// Deletes finished deliveries older than <see cref="WebhookOptions.KeepDeliveriesDays"/>, a few thousand per write
    /// turn. Ids grow with time, so the old rows are the head of the table: the first row young enough to keep bounds
    /// the delete, and no index on time is needed. The newest row stays, however old (<see cref="WebhookDeliveryIds"/>).
    /// </summary>
    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Max(1, options.Value.KeepDeliveriesDays));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var firstYoung = await db.WebhookDeliveries.Where(d => d.OccurredAt >= cutoff).OrderBy(d => d.Id).Select(d => (long?)d.Id).FirstOrDefaultAsync(ct);
        var firstKept = Math.Min(firstYoung ?? long.MaxValue, await WebhookDeliveryIds.NewestAsync(db, ct) ?? 0);
        var purged = 0;
        while (true)
        {
            int deleted;
            using (await turns.TakeAsync(ct))
            {
                deleted = await db.WebhookDeliveries
                    .Where(d => d.Id < firstKept && d.Status != WebhookDeliveryStatus.Pending && d.OccurredAt < cutoff)
                    .OrderBy(d => d.Id).Take(PurgeBatch)
                    .ExecuteDeleteAsync(ct);
            }
            purged += deleted;
            if (deleted < PurgeBatch)
                break;
        }
        if (purged > 0)
            logger.LogInformation("Deleted {Count} webhook deliveries finished before {Cutoff:u}", purged, cutoff);
        return purged;
    }

    private const int PurgeBatch = 5000;

    /// <summary>One cycle; true when it delivered anything (so the loop goes again at once).</summary>
    public async Task<bool> RunOnceAsync(CancellationToken ct = default)
    {
        var (taken, due, targets) = await TakeDueAsync(ct);
        if (due.Count > 0)
        {
            try
            {
                var http = httpFactory.CreateClient(HttpClientName);
                var outcomes = new Outcome[due.Count];
                var finished = 0;
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.MaxConcurrency), CancellationToken = ct };
                var silent = new ConcurrentBag<Guid>();
                await Parallel.ForEachAsync(Enumerable.Range(0, due.Count), parallel, async (i, token) =>
                {
                    var outcome = await AttemptAsync(http, due[i], targets[due[i].EndpointId], silent, token);
                    outcomes[i] = outcome with { Order = Interlocked.Increment(ref finished) };
                });
                try
                {
                    using (await turns.TakeAsync(ct))
                        await RecordAsync(due, outcomes, ct);
                }
                catch
                {
                    // Not recorded: the same rows come again, and they should be attempted, not held back on this cycle's word.
                    foreach (var endpoint in silent)
                        holds.Release(endpoint);
                    throw;
                }
            }
            catch
            {
                await ReleaseAsync(taken);
                throw;
            }
            foreach (var organisation in due.Select(d => targets[d.EndpointId].OrganisationId).Distinct())
                changes.Publish(organisation);
        }
        var moved = _outbox!.Recorded(taken);
        return due.Count > 0 || moved;
    }

    // How this engine takes the due batch (WebhookDueBatch), chosen from the first connection. It holds SQLite's id cursor.
    private WebhookDueBatch? _outbox;

    private async Task<(WebhookDueBatch.Taken Taken, List<Due> Due, Dictionary<Guid, Target> Targets)> TakeDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var batch = Math.Max(1, options.Value.BatchSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        _outbox ??= WebhookDueBatch.For(db.Database.GetDbConnection(), options.Value.ClaimLease);
        var taken = await _outbox.TakeAsync(db, now, batch, ct);
        try
        {
            var ids = taken.Due.Concat(taken.Fresh).Select(d => d.EndpointId).Distinct().ToList();
            var endpoints = await (
                    from e in db.WebhookEndpoints
                    join o in db.Organisations on e.OrganisationId equals o.Id
                    where ids.Contains(e.Id)
                    select new { e.Id, e.Enabled, e.OrganisationId, e.Url, e.ProtectedSecret, e.PreviousProtectedSecret, e.PreviousSecretExpiresAt, o.TimeZoneId })
                .ToListAsync(ct);
            var enabled = endpoints.Where(e => e.Enabled).Select(e => e.Id).ToHashSet();
            var targets = endpoints.ToDictionary(e => e.Id, e =>
            {
                var signing = e.PreviousSecretExpiresAt > now ? new[] { e.ProtectedSecret, e.PreviousProtectedSecret! } : [e.ProtectedSecret];
                try
                {
                    return new Target(e.OrganisationId, new Uri(e.Url), e.TimeZoneId, signing.Select(secrets.Reveal).ToList(), null);
                }
                catch (CryptographicException)
                {
                    // Data Protection's keys were lost (a database restored without its keys folder): only a new secret helps.
                    return new Target(e.OrganisationId, new Uri(e.Url), e.TimeZoneId, [], "The signing secret cannot be decrypted here: rotate it.");
                }
            });
            // New rows of a disabled endpoint stay where they are, paused; enabling it schedules them.
            var due = taken.Due
                .Concat(taken.Fresh.Where(r => enabled.Contains(r.EndpointId)))
                .Where(r => targets.ContainsKey(r.EndpointId)) // deleted meanwhile
                .DistinctBy(r => r.Id)
                .Select(r => new Due(r.Id, r.EndpointId, r.Attempts, r.NextAttemptAt,
                    new WebhookEvent(WebhookDelivery.EventIdOf(r.EventType, r.MessageId, r.Id), r.EventType, r.OccurredAt, AtTheEvent(r))))
                .ToList();
            return (taken, due, targets);
        }
        catch
        {
            await ReleaseAsync(taken);
            throw;
        }
    }

    // A batch taken and not recorded is given back (on PostgreSQL, rather than left claimed until the lease ends), if the
    // database lets us: a stopping host or a failed cycle should not hold up another instance. Best effort, briefly.
    private async Task ReleaseAsync(WebhookDueBatch.Taken taken)
    {
        try
        {
            using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _outbox!.ReleaseAsync(dbFactory, taken, clock.GetUtcNow().UtcDateTime, brief.Token);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not give back {Count} webhook deliveries taken but not recorded; they are due again when their claim ends", taken.Due.Count);
        }
    }

    /// <summary>
    /// The message as it stood when the event happened, so every attempt says the same: the status and time the outbox row
    /// recorded (a retried sms.sent still says sent after the receipt came), and an error only on a failure (a later
    /// receipt must not colour an earlier sms.sent).
    /// </summary>
    private static MessageView? AtTheEvent(WebhookDueBatch.Row r) => r.Message is { } m
        ? m with
        {
            Status = r.MessageStatus ?? m.Status,
            UpdatedAt = r.OccurredAt,
            ErrorCode = WebhookEventNames.CarriesError(r.EventType) ? m.ErrorCode : null,
            ErrorDetail = WebhookEventNames.CarriesError(r.EventType) ? m.ErrorDetail : null,
        }
        : null;

    /// <summary>
    /// Delivers one event, or holds it back while its endpoint is held. An endpoint that gave no answer (a timeout, a
    /// network error) to an event that will be retried is held until that retry: silence is what costs the shared
    /// batch its time. Any answer shows the endpoint is there, and releases it. A test event goes out regardless.
    /// </summary>
    private async Task<Outcome> AttemptAsync(HttpClient http, Due delivery, Target target, ConcurrentBag<Guid> silent, CancellationToken ct)
    {
        var test = delivery.Event.EventType == WebhookEventNames.Test;
        var now = clock.GetUtcNow().UtcDateTime;
        if (!test && holds.HeldUntil(delivery.EndpointId, now) is { } until)
            return new Outcome(Result.HeldBack, null, null, null, null) { NextAttemptAt = until };
        var outcome = await DeliverAsync(http, delivery, target, ct);
        if (outcome.ResponseStatus is not null) // a test event answered counts too: the receiver is back
            holds.Release(delivery.EndpointId);
        if (outcome.Result != Result.Retry || test || delivery.Attempts + 1 >= options.Value.MaxAttempts)
            return outcome; // a test is a one-off check of the endpoint: it is never retried
        var retryAt = now + NextDelay(delivery.Attempts + 1, outcome.RetryAfter);
        if (outcome.ResponseStatus is null)
        {
            holds.Hold(delivery.EndpointId, retryAt);
            silent.Add(delivery.EndpointId);
        }
        return outcome with { NextAttemptAt = retryAt };
    }

    private async Task<Outcome> DeliverAsync(HttpClient http, Due due, Target target, CancellationToken ct)
    {
        if (target.Problem is not null)
            return new Outcome(Result.GiveUp, null, null, target.Problem, null);
        var body = WebhookPayload.Serialize(due.Event, target.TimeZoneId);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.HeaderValue(timestamp, body, target.Secrets));
        request.Headers.Add(WebhookSignature.EventIdHeader, due.Event.EventId);
        request.Headers.Add(WebhookSignature.EventHeader, due.Event.EventType);
        request.Headers.Add(WebhookSignature.AttemptHeader, (due.Attempts + 1).ToString(CultureInfo.InvariantCulture));
        request.Headers.UserAgent.Add(UserAgent);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var ms = (int)watch.ElapsedMilliseconds;
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
                return new Outcome(Result.Succeeded, status, ms, null, null);
            var excerpt = await ReadExcerptAsync(response, timeout.Token);
            var error = excerpt.Length == 0 ? $"HTTP {status}" : $"HTTP {status}: {excerpt}";
            return status is 429 or >= 500
                ? new Outcome(Result.Retry, status, ms, error, RetryAfter(response))
                : new Outcome(status == 410 ? Result.Gone : Result.GiveUp, status, ms, error, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(Result.Retry, null, (int)watch.ElapsedMilliseconds, WebhookDeliveryErrors.NoAnswer(options.Value.TimeoutSeconds), null);
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookTargetRefusedException refused)
        {
            return new Outcome(Result.GiveUp, null, null, "Refused: " + refused.Message, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The log records the exception; the delivery log gets plain words an admin can act on.
            logger.LogInformation(e, "Webhook delivery {Delivery} to {Url} failed before an answer", due.Id, target.Url);
            return new Outcome(Result.Retry, null, (int)watch.ElapsedMilliseconds, Shorten(WebhookDeliveryErrors.Describe(e, target.Url)), null);
        }
    }

    // Only the start of a failing receiver's answer is read and kept: enough to debug, never a memory risk.
    private async Task<string> ReadExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var buffer = new byte[Math.Max(0, options.Value.MaxResponseBytes)];
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var read = 0;
        int count;
        while (read < buffer.Length && (count = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
            read += count;
        return Shorten(Encoding.UTF8.GetString(buffer, 0, read).Trim());
    }

    private static string Shorten(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength] + "…";

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow(),
        _ => null,
    };

    private async Task RecordAsync(List<Due> due, Outcome[] outcomes, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using var update = Sql.Command(db.Database.GetDbConnection(), """
            UPDATE webhook_deliveries SET Status = @status, Attempts = Attempts + 1, NextAttemptAt = @next, LastAttemptAt = @now,
                ResponseStatus = @code, ResponseMs = @ms, LastError = @error
            WHERE Id = @id
            """);
        Sql.Set(update, "@now", now);
        // Held back, not attempted: the attempt count and the last answer stay as they were.
        await using var hold = db.Database.GetDbConnection().CreateCommand();
        // Only if nobody changed the row since it was read (a re-send asks for now).
        hold.CommandText = $"""
            UPDATE webhook_deliveries SET NextAttemptAt = @next, LastError = coalesce(LastError, @error)
            WHERE Id = @id AND Status = 'Pending' AND {SqlDialect.Of(hold.Connection!).NullSafeEquals("NextAttemptAt", "@was")}
            """;
        Sql.Add(hold, "@next");
        Sql.Add(hold, "@id");
        Sql.Add(hold, "@was");
        Sql.Add(hold, "@error", HeldBackNote);
        for (var i = 0; i < due.Count; i++)
        {
            var (delivery, outcome) = (due[i], outcomes[i]);
            if (outcome.Result == Result.HeldBack)
            {
                Sql.Set(hold, "@next", outcome.NextAttemptAt!.Value);
                Sql.Set(hold, "@id", delivery.Id);
                Sql.Set(hold, "@was", delivery.DueAt is { } was ? was : null);
                await hold.ExecuteNonQueryAsync(ct);
                continue;
            }
            var retry = outcome.Result == Result.Retry && outcome.NextAttemptAt is not null; // see AttemptAsync
            var status = outcome.Result == Result.Succeeded ? WebhookDeliveryStatus.Succeeded : retry ? WebhookDeliveryStatus.Pending : WebhookDeliveryStatus.Failed;
            Sql.Set(update, "@status", status.ToString());
            Sql.Set(update, "@next", retry ? outcome.NextAttemptAt!.Value : null);
            Sql.Set(update, "@code", outcome.ResponseStatus);
            Sql.Set(update, "@ms", outcome.ResponseMs);
            Sql.Set(update, "@error", outcome.Error);
            Sql.Set(update, "@id", delivery.Id);
            await update.ExecuteNonQueryAsync(ct);
        }
        await CountFailuresAsync(db, due, outcomes, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>The log's note on an event held back, until it has an answer of its own.</summary>
    public const string HeldBackNote = "Held back: the endpoint did not answer an earlier event; this one goes out when that one is retried.";

    private TimeSpan NextDelay(int attempts, TimeSpan? retryAfter)
    {
        var settings = options.Value;
        var max = TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds);
        return retryAfter is { } asked
            ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, TimeSpan.TicksPerSecond, max.Ticks))
            : settings.RetryDelay(attempts, Random.Shared.NextDouble());
    }

    // Failures in a row per endpoint, in the order the attempts finished; test events do not count.
    private async Task CountFailuresAsync(TalkNTalkDbContext db, List<Due> due, Outcome[] outcomes, DateTime now, CancellationToken ct)
    {
        var limit = Math.Max(1, options.Value.DisableAfterConsecutiveFailures);
        var byEndpoint = Enumerable.Range(0, due.Count)
            .Where(i => due[i].Event.EventType != WebhookEventNames.Test && outcomes[i].Result != Result.HeldBack)
            .GroupBy(i => due[i].EndpointId);
        foreach (var attempts in byEndpoint)
        {
            var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == attempts.Key, ct);
            if (endpoint is null)
                continue; // deleted meanwhile
            string? reason = null, lastError = null;
            foreach (var outcome in attempts.Select(i => outcomes[i]).OrderBy(o => o.Order))
            {
                endpoint.ConsecutiveFailures = outcome.Result == Result.Succeeded ? 0 : endpoint.ConsecutiveFailures + 1;
                lastError = outcome.Error;
                if (outcome.Result == Result.Gone)
                    reason = "The receiver answered 410 Gone: it wants no more events.";
            }
            if (reason is null && endpoint.ConsecutiveFailures >= limit)
                reason = $"{endpoint.ConsecutiveFailures} deliveries in a row failed; the last: {lastError}";
            if (reason is not null && endpoint.Enabled)
            {
                endpoint.Enabled = false;
                endpoint.DisabledAt = now;
                endpoint.DisabledReason = reason;
                endpoint.UpdatedAt = now;
                logger.LogWarning("Webhook endpoint {Endpoint} ({Url}) disabled: {Reason}", endpoint.Id, endpoint.Url, reason);
            }
            if (!endpoint.Enabled)
            {
                // Paused, not lost: enabling the endpoint again sends them.
                await db.WebhookDeliveries.Where(d => d.EndpointId == endpoint.Id && d.Status == WebhookDeliveryStatus.Pending && d.EventType != WebhookEventNames.Test)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, (DateTime?)null), ct);
            }
        }
    }

    private sealed record Due(long Id, Guid EndpointId, int Attempts, DateTime? DueAt, WebhookEvent Event);

    private sealed record Target(Guid OrganisationId, Uri Url, string TimeZoneId, IReadOnlyList<string> Secrets, string? Problem);

    private enum Result { Succeeded, Retry, GiveUp, Gone, HeldBack }

    private sealed record Outcome(Result Result, int? ResponseStatus, int? ResponseMs, string? Error, TimeSpan? RetryAfter)
    {
        public int Order { get; init; }

        /// <summary>For a retry or a delivery held back: when it is due again.</summary>
        public DateTime? NextAttemptAt { get; init; }
    }
}
