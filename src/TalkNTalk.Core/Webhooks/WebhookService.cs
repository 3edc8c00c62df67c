using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Webhooks;

public sealed record WebhookEndpointView(Guid Id, string Url, string? Description, WebhookEvents Events, bool Enabled, string SecretHint,
    DateTime? PreviousSecretExpiresAt, int ConsecutiveFailures, string? DisabledReason, DateTime? DisabledAt, DateTime CreatedAt);

public sealed record WebhookDeliveryView(long Id, string EventType, Guid? MessageId, string? Address, WebhookDeliveryStatus Status,
    int Attempts, DateTime OccurredAt, DateTime? LastAttemptAt, int? ResponseStatus, int? ResponseMs, string? LastError, DateTime? NextAttemptAt)
{
    public string EventId => WebhookDelivery.EventIdOf(EventType, MessageId, Id);
}

/// <summary>Filters of an endpoint's delivery log; null or empty means any.</summary>
public sealed record WebhookDeliveryFilter(string? EventType = null, WebhookDeliveryStatus? Status = null, string? Search = null);

/// <summary>An organisation's webhook endpoints: add, change, enable, rotate the secret, test, and read and re-send the delivery log.</summary>
public sealed class WebhookService(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    WebhookTargets targets,
    WebhookSecrets secrets,
    IOptions<WebhookOptions> options,
    WebhookNotifier changes,
    WebhookEndpointHolds holds,
    TimeProvider clock)
{
    public const int MaxEndpointsPerOrganisation = 10;

    /// <summary>A log's total is counted up to here; pages beyond stay reachable by filtering.</summary>
    public const int MaxCounted = 100_000;

    /// <summary>Every endpoint, oldest first.</summary>
    public async Task<IReadOnlyList<WebhookEndpointView>> ListAsync(Guid organisationId, CancellationToken ct = default) =>
        (await PageAsync(organisationId, PageRequest.All, ct)).Items;

    /// <summary>A page of endpoints, oldest first unless sorted by address, state or failures.</summary>
    public async Task<(IReadOnlyList<WebhookEndpointView> Items, int Total)> PageAsync(Guid organisationId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.WebhookEndpoints.AsNoTracking().Where(e => e.OrganisationId == organisationId);
        var sorted = page.SortBy switch
        {
            nameof(WebhookEndpointView.Url) => query.OrderBy(e => e.Url, page.Descending),
            nameof(WebhookEndpointView.Enabled) => query.OrderBy(e => e.Enabled, page.Descending),
            nameof(WebhookEndpointView.ConsecutiveFailures) => query.OrderBy(e => e.ConsecutiveFailures, page.Descending),
            _ => query.OrderBy(e => e.CreatedAt, page.Descending),
        };
        var (endpoints, total) = await sorted.ThenBy(e => e.Id).ToPageAsync(page, ct);
        return (endpoints.Select(ToView).ToList(), total);
    }

    /// <summary>Endpoints the worker disabled after failures, for the dashboard's notice; empty once an admin enables them again.</summary>
    public async Task<IReadOnlyList<WebhookEndpointView>> DisabledByFailuresAsync(Guid organisationId, CancellationToken ct = default) =>
        (await ListAsync(organisationId, ct)).Where(e => !e.Enabled && e.DisabledReason is not null).ToList();

    /// <summary>Adds an enabled endpoint and returns its signing secret: the only time it is shown.</summary>
    public async Task<(WebhookEndpointView Endpoint, string Secret)> CreateAsync(Guid organisationId, string? url, string? description, WebhookEvents events,
        string? createdBy, CancellationToken ct = default)
    {
        var (cleanUrl, cleanDescription) = await ValidateAsync(url, description, events, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WebhookEndpoints.CountAsync(e => e.OrganisationId == organisationId, ct) >= MaxEndpointsPerOrganisation)
            throw new DomainException("too_many_endpoints", $"An organisation can have {MaxEndpointsPerOrganisation} endpoints: remove one first.");
        var (secret, protectedSecret, hint) = secrets.Create();
        var now = clock.GetUtcNow().UtcDateTime;
        var endpoint = new WebhookEndpoint
        {
            OrganisationId = organisationId,
            Url = cleanUrl,
            Description = cleanDescription,
            Events = events,
            Enabled = true,
            ProtectedSecret = protectedSecret,
            SecretHint = hint,
            CreatedBy = createdBy,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        return (ToView(endpoint), secret);
    }

    public async Task UpdateAsync(Guid organisationId, Guid id, string? url, string? description, WebhookEvents events, CancellationToken ct = default)
    {
        var (cleanUrl, cleanDescription) = await ValidateAsync(url, description, events, ct);
        await ChangeAsync(organisationId, id, (_, endpoint, now) =>
        {
            endpoint.Url = cleanUrl;
            endpoint.Description = cleanDescription;
            endpoint.Events = events;
            holds.Release(id); // a corrected URL deserves an attempt before the held events' retry
            return Task.CompletedTask;
        }, ct);
    }

    /// <summary>
    /// Disabling pauses the endpoint's pending deliveries (no new events are queued for it); enabling clears a
    /// failure notice, resets the failure count and sends what was paused.
    /// </summary>
    public Task SetEnabledAsync(Guid organisationId, Guid id, bool enabled, CancellationToken ct = default) =>
        ChangeAsync(organisationId, id, async (db, endpoint, now) =>
        {
            endpoint.Enabled = enabled;
            endpoint.DisabledAt = enabled ? null : now;
            endpoint.DisabledReason = null;
            endpoint.ConsecutiveFailures = 0;
            DateTime? next = enabled ? now : null;
            holds.Release(id);
            await db.WebhookDeliveries.Where(d => d.EndpointId == id && d.Status == WebhookDeliveryStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, next), ct);
        }, ct);

    /// <summary>Replaces the signing secret; the old one keeps signing beside it for <see cref="WebhookOptions.PreviousSecretHours"/>.</summary>
    public async Task<string> RotateSecretAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        var (secret, protectedSecret, hint) = secrets.Create();
        await ChangeAsync(organisationId, id, (_, endpoint, now) =>
        {
            endpoint.PreviousProtectedSecret = endpoint.ProtectedSecret;
            endpoint.PreviousSecretExpiresAt = now.AddHours(options.Value.PreviousSecretHours);
            endpoint.ProtectedSecret = protectedSecret;
            endpoint.SecretHint = hint;
            return Task.CompletedTask;
        }, ct);
        return secret;
    }

    public async Task DeleteAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await FindAsync(db, organisationId, id, ct);
        // No foreign key cascades here (it would cost every outbox insert a check): the log goes first, by hand, all but
        // the table's newest row, which stays behind finished so that its id is not handed out again.
        var newest = await WebhookDeliveryIds.NewestAsync(db, ct);
        await db.WebhookDeliveries.Where(d => d.EndpointId == id && d.Id != newest).ExecuteDeleteAsync(ct);
        await db.WebhookDeliveries.Where(d => d.EndpointId == id && d.Id == newest)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Failed).SetProperty(d => d.NextAttemptAt, (DateTime?)null)
                .SetProperty(d => d.LastError, "The endpoint was deleted."), ct);
        await db.WebhookEndpoints.Where(e => e.Id == id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        changes.Publish(organisationId);
    }

    /// <summary>Queues a <c>webhook.test</c> event for the endpoint (enabled or not); the worker sends it within a moment, once.</summary>
    public async Task SendTestAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await FindAsync(db, organisationId, id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        db.WebhookDeliveries.Add(new WebhookDelivery
        {
            EndpointId = id,
            EventType = WebhookEventNames.Test,
            OccurredAt = now,
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = now,
        });
        await db.SaveChangesAsync(ct);
        changes.Publish(organisationId);
    }

    /// <summary>A page of an endpoint's deliveries, newest first, with the total that match.</summary>
    public async Task<(IReadOnlyList<WebhookDeliveryView> Items, int Total)> DeliveriesAsync(Guid organisationId, Guid endpointId, WebhookDeliveryFilter filter,
        int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await FindAsync(db, organisationId, endpointId, ct);
        var query =
            from d in db.WebhookDeliveries.AsNoTracking()
            where d.EndpointId == endpointId
            join m in db.Messages on d.MessageId equals m.Id into sent
            from m in sent.DefaultIfEmpty()
            select new { Delivery = d, Address = m == null ? null : m.Address };
        if (!string.IsNullOrEmpty(filter.EventType))
            query = query.Where(x => x.Delivery.EventType == filter.EventType);
        if (filter.Status is { } status)
            query = query.Where(x => x.Delivery.Status == status);
        if (filter.Search?.Trim() is { Length: > 0 } search)
        {
            // An event id, a message id, a number in any of the usual forms, or part of an e-mail address or member id.
            if (WebhookDelivery.TryParseEventId(search, out var eventMessage, out var eventType, out var deliveryId))
                query = deliveryId > 0 ? query.Where(x => x.Delivery.Id == deliveryId) : query.Where(x => x.Delivery.MessageId == eventMessage && x.Delivery.EventType == eventType);
            else if (Guid.TryParse(search, out var messageId))
                query = query.Where(x => x.Delivery.MessageId == messageId);
            else if (Phones.PhoneNumber.TryParse(search, out var phone, out _))
                query = query.Where(x => x.Address == phone.Msisdn);
            else
            {
                // Part of a number, e.g. its last four digits, typed with or without spaces.
                var digits = new string(search.Where(char.IsAsciiDigit).ToArray()).TrimStart('0'); // numbers are stored 2547…: no local 0
                query = digits.Length > 0 && search.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '+')
                    ? query.Where(x => x.Address != null && x.Address.Contains(digits))
                    : query.Where(x => x.Address != null && Like.Matches(x.Address, Like.Contains(search)));
            }
        }
        // The log has no index by endpoint (outbox inserts stay cheap): counting stops at a bound.
        var total = await query.OrderBy(x => x.Delivery.Id).Take(MaxCounted).CountAsync(ct);
        var items = await query.OrderByDescending(x => x.Delivery.Id).Skip(skip).Take(Math.Clamp(take, 1, 200))
            .Select(x => new WebhookDeliveryView(x.Delivery.Id, x.Delivery.EventType, x.Delivery.MessageId, x.Address, x.Delivery.Status, x.Delivery.Attempts,
                x.Delivery.OccurredAt, x.Delivery.LastAttemptAt, x.Delivery.ResponseStatus, x.Delivery.ResponseMs, x.Delivery.LastError, x.Delivery.NextAttemptAt))
            .ToListAsync(ct);
        return (items, total);
    }

    /// <summary>Sends a delivery again now, with the same event id (receivers that already have it drop the copy), even if the endpoint is held back.</summary>
    public async Task ResendAsync(Guid organisationId, long deliveryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, ct) ?? throw DomainException.NotFound("Delivery");
        var endpoint = await FindAsync(db, organisationId, delivery.EndpointId, ct);
        if (!endpoint.Enabled && delivery.EventType != WebhookEventNames.Test)
            throw new DomainException("endpoint_disabled", "Enable the endpoint first: a disabled endpoint receives nothing.");
        delivery.Status = WebhookDeliveryStatus.Pending;
        delivery.NextAttemptAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        holds.Release(endpoint.Id); // an admin asking for it now gets an attempt now
        changes.Publish(organisationId);
    }

    /// <summary>The refusal of an endpoint with no event (or with bits that are no event, which only a caller's bug makes).</summary>
    public const string NoEventChosen =
        "Choose at least one event: tick the channels and events your system handles, e.g. sms.delivered or email.undelivered.";

    private async Task<(string Url, string? Description)> ValidateAsync(string? url, string? description, WebhookEvents events, CancellationToken ct)
    {
        var cleanUrl = await targets.ValidateAsync(url, ct);
        var cleanDescription = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (cleanDescription?.Length > WebhookEndpoint.MaxDescriptionLength)
            throw DomainException.Validation("description", $"Keep the description to {WebhookEndpoint.MaxDescriptionLength} characters.");
        if (events == WebhookEvents.None || (events & ~WebhookEventNames.EveryChannel) != 0)
            throw DomainException.Validation("events", NoEventChosen);
        return (cleanUrl, cleanDescription);
    }

    private async Task ChangeAsync(Guid organisationId, Guid id, Func<TalkNTalkDbContext, WebhookEndpoint, DateTime, Task> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var endpoint = await FindAsync(db, organisationId, id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await change(db, endpoint, now);
        endpoint.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        changes.Publish(organisationId);
    }

    private static async Task<WebhookEndpoint> FindAsync(TalkNTalkDbContext db, Guid organisationId, Guid id, CancellationToken ct) =>
        await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.OrganisationId == organisationId && e.Id == id, ct) ?? throw DomainException.NotFound("Webhook endpoint");

    private static WebhookEndpointView ToView(WebhookEndpoint e) => new(e.Id, e.Url, e.Description, e.Events, e.Enabled, e.SecretHint,
        e.PreviousSecretExpiresAt, e.ConsecutiveFailures, e.DisabledReason, e.DisabledAt, e.CreatedAt);
}

/// <summary>An organisation's webhook endpoints or deliveries changed, keyed by organisation id: the admin page and the failure notice subscribe.</summary>
public sealed class WebhookNotifier(TimeProvider time, Microsoft.Extensions.Logging.ILogger<WebhookNotifier> logger, Notifications.ChangeBackplane? backplane = null)
    : Notifications.ChangeNotifier<Guid>(time, logger, backplane, "webhooks", Guid.Parse);
