using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.SenderIds;

public sealed record SenderIdView(Guid Id, string Name, SenderIdCategory Category, SenderIdStatus Status, bool IsDefault, DateTime CreatedAt, DateTime? DecidedAt, string? DecidedBy);

/// <summary>Registers sender IDs and keeps the rules: unique per organisation, operator format, approved default.</summary>
public sealed class SenderIdService(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Every sender ID of the organisation, default first, then by name.</summary>
    public async Task<IReadOnlyList<SenderIdView>> ListAsync(Guid organisationId, CancellationToken ct = default) =>
        (await PageAsync(organisationId, PageRequest.All, ct)).Items;

    /// <summary>A page of sender IDs: default first, then by name, unless sorted by name, category, status or registration.</summary>
    public async Task<(IReadOnlyList<SenderIdView> Items, int Total)> PageAsync(Guid organisationId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.SenderIds.AsNoTracking().Where(s => s.OrganisationId == organisationId);
        var sorted = page.SortBy switch
        {
            nameof(SenderIdView.Name) => query.OrderBy(s => s.NormalizedName, page.Descending),
            nameof(SenderIdView.Category) => query.OrderBy(s => s.Category, page.Descending).ThenBy(s => s.NormalizedName),
            nameof(SenderIdView.Status) => query.OrderBy(s => s.Status, page.Descending).ThenBy(s => s.NormalizedName),
            nameof(SenderIdView.CreatedAt) => query.OrderBy(s => s.CreatedAt, page.Descending),
            _ => query.OrderByDescending(s => s.IsDefault).ThenBy(s => s.NormalizedName),
        };
        var (rows, total) = await sorted.ThenBy(s => s.Id).ToPageAsync(page, ct);
        return (rows.Select(ToView).ToList(), total);
    }

    /// <summary>Registers a new sender ID as pending; an admin approves it once the operator has.</summary>
    public async Task<SenderIdView> RegisterAsync(Guid organisationId, string? name, SenderIdCategory category, CancellationToken ct = default)
    {
        var clean = Validate(name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = clean.ToUpperInvariant();
        if (await db.SenderIds.AnyAsync(s => s.OrganisationId == organisationId && s.NormalizedName == normalized, ct))
            throw DomainException.Validation("name", $"Sender ID '{clean}' is already registered.");
        var sender = new SenderId
        {
            OrganisationId = organisationId,
            Name = clean,
            NormalizedName = normalized,
            Category = category,
            Status = SenderIdStatus.Pending,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.SenderIds.Add(sender);
        await db.SaveChangesAsync(ct);
        return ToView(sender);
    }

    /// <summary>Marks a sender ID approved (by the operator) so campaigns may use it.</summary>
    public Task<SenderIdView> ApproveAsync(Guid organisationId, Guid id, string actor, CancellationToken ct = default) =>
        DecideAsync(organisationId, id, SenderIdStatus.Approved, actor, ct);

    /// <summary>Marks a sender ID rejected. The default cannot be rejected: choose another default first.</summary>
    public Task<SenderIdView> RejectAsync(Guid organisationId, Guid id, string actor, CancellationToken ct = default) =>
        DecideAsync(organisationId, id, SenderIdStatus.Rejected, actor, ct);

    /// <summary>Makes an approved sender ID the one used when a send names none.</summary>
    public async Task<SenderIdView> SetDefaultAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var senders = await db.SenderIds.Where(s => s.OrganisationId == organisationId).ToListAsync(ct);
        var chosen = senders.FirstOrDefault(s => s.Id == id) ?? throw DomainException.NotFound("Sender ID");
        if (chosen.Status != SenderIdStatus.Approved)
            throw new DomainException("sender_id_not_approved", $"'{chosen.Name}' is not approved yet: only an approved sender ID can be the default.");
        foreach (var s in senders)
            s.IsDefault = s.Id == id;
        await db.SaveChangesAsync(ct);
        return ToView(chosen);
    }

    /// <summary>Checks the operator rules and returns the trimmed name, or throws with what to fix.</summary>
    public static string Validate(string? name)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length == 0)
            throw DomainException.Validation("name", "Enter a sender ID.");
        if (clean.Length > SenderId.MaxLength)
            throw DomainException.Validation("name", $"A sender ID is at most {SenderId.MaxLength} characters; '{clean}' has {clean.Length}.");
        if (!clean.All(char.IsAsciiLetterOrDigit))
            throw DomainException.Validation("name", "Use only letters A–Z and digits 0–9: no spaces or symbols.");
        if (!clean.Any(char.IsAsciiLetter))
            throw DomainException.Validation("name", "Include at least one letter: an all-digit sender looks like a phone number and operators refuse it.");
        if (clean.Length < 3)
            throw DomainException.Validation("name", "A sender ID needs at least 3 characters.");
        return clean;
    }

    private async Task<SenderIdView> DecideAsync(Guid organisationId, Guid id, SenderIdStatus status, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sender = await db.SenderIds.SingleOrDefaultAsync(s => s.OrganisationId == organisationId && s.Id == id, ct)
            ?? throw DomainException.NotFound("Sender ID");
        if (status == SenderIdStatus.Rejected && sender.IsDefault)
            throw new DomainException("sender_id_is_default", $"'{sender.Name}' is the default sender ID: choose another default before rejecting it.");
        sender.Status = status;
        sender.DecidedAt = clock.GetUtcNow().UtcDateTime;
        sender.DecidedBy = actor;
        await db.SaveChangesAsync(ct);
        return ToView(sender);
    }

    private static SenderIdView ToView(SenderId s) =>
        new(s.Id, s.Name, s.Category, s.Status, s.IsDefault, s.CreatedAt, s.DecidedAt, s.DecidedBy);
}
