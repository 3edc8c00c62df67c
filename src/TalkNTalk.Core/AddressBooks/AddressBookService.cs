using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.AddressBooks;

public sealed record AddressBookSummary(Guid Id, string Name, string? Description, int ActiveContacts, int TotalContacts, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>Address books of an organisation: list with counts, create, rename, describe, delete.</summary>
public sealed class AddressBookService(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>A page of books, by name, optionally filtered by a part of the name; each with its contact counts.</summary>
    public async Task<(IReadOnlyList<AddressBookSummary> Items, int Total)> ListAsync(Guid organisationId, string? search = null, int skip = 0, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AddressBooks.AsNoTracking().Where(b => b.OrganisationId == organisationId);
        if (!string.IsNullOrWhiteSpace(search))
            query = query.Where(b => Like.Matches(b.NormalizedName, Like.Contains(search.Trim().ToUpperInvariant())));
        var total = await query.CountAsync(ct);
        var books = await query.OrderBy(b => b.NormalizedName).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        var counts = await CountsAsync(db, books.Select(b => b.Id).ToList(), ct);
        return (books.Select(b => ToSummary(b, counts)).ToList(), total);
    }

    /// <summary>Every book of the organisation with counts, by name: for pickers such as the compose page.</summary>
    public async Task<IReadOnlyList<AddressBookSummary>> ListAllAsync(Guid organisationId, CancellationToken ct = default) =>
        (await ListAsync(organisationId, null, 0, 500, ct)).Items;

    public async Task<AddressBookSummary> GetAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await FindAsync(db, organisationId, id, ct);
        return ToSummary(book, await CountsAsync(db, [book.Id], ct));
    }

    public async Task<AddressBookSummary> CreateAsync(Guid organisationId, string? name, string? description, CancellationToken ct = default)
    {
        var (cleanName, cleanDescription) = Validate(name, description);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureUniqueAsync(db, organisationId, cleanName, null, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var book = new AddressBook
        {
            OrganisationId = organisationId,
            Name = cleanName,
            NormalizedName = cleanName.ToUpperInvariant(),
            Description = cleanDescription,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.AddressBooks.Add(book);
        await db.SaveChangesAsync(ct);
        return ToSummary(book, new Dictionary<Guid, (int, int)>());
    }

    /// <summary>Renames and re-describes a book.</summary>
    public async Task<AddressBookSummary> UpdateAsync(Guid organisationId, Guid id, string? name, string? description, CancellationToken ct = default)
    {
        var (cleanName, cleanDescription) = Validate(name, description);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await FindAsync(db, organisationId, id, ct);
        await EnsureUniqueAsync(db, organisationId, cleanName, id, ct);
        book.Name = cleanName;
        book.NormalizedName = cleanName.ToUpperInvariant();
        book.Description = cleanDescription;
        book.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return ToSummary(book, await CountsAsync(db, [book.Id], ct));
    }

    /// <summary>Deletes a book with all its contacts; returns how many contacts went with it.</summary>
    public async Task<int> DeleteAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var book = await FindAsync(db, organisationId, id, ct);
        var contacts = await db.Contacts.Where(c => c.AddressBookId == book.Id).ExecuteDeleteAsync(ct);
        await db.AddressBooks.Where(b => b.Id == book.Id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return contacts;
    }

    internal static async Task<AddressBook> FindAsync(TalkNTalkDbContext db, Guid organisationId, Guid id, CancellationToken ct) =>
        await db.AddressBooks.SingleOrDefaultAsync(b => b.OrganisationId == organisationId && b.Id == id, ct)
        ?? throw DomainException.NotFound("Address book");

    private static (string Name, string? Description) Validate(string? name, string? description)
    {
        var cleanName = name?.Trim() ?? "";
        if (cleanName.Length == 0)
            throw DomainException.Validation("name", "Enter a name for the address book.");
        if (cleanName.Length > AddressBook.MaxNameLength)
            throw DomainException.Validation("name", $"Keep the name to {AddressBook.MaxNameLength} characters.");
        var cleanDescription = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (cleanDescription?.Length > AddressBook.MaxDescriptionLength)
            throw DomainException.Validation("description", $"Keep the description to {AddressBook.MaxDescriptionLength} characters.");
        return (cleanName, cleanDescription);
    }

    private static async Task EnsureUniqueAsync(TalkNTalkDbContext db, Guid organisationId, string name, Guid? except, CancellationToken ct)
    {
        var normalized = name.ToUpperInvariant();
        if (await db.AddressBooks.AnyAsync(b => b.OrganisationId == organisationId && b.NormalizedName == normalized && b.Id != except, ct))
            throw DomainException.Validation("name", $"An address book named '{name}' already exists.");
    }

    private static async Task<Dictionary<Guid, (int Active, int Total)>> CountsAsync(TalkNTalkDbContext db, List<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
            return [];
        var rows = await db.Contacts.AsNoTracking()
            .Where(c => ids.Contains(c.AddressBookId))
            .GroupBy(c => c.AddressBookId)
            .Select(g => new { g.Key, Active = g.Count(c => c.Status == ContactStatus.Active), Total = g.Count() })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => (r.Active, r.Total));
    }

    private static AddressBookSummary ToSummary(AddressBook b, IReadOnlyDictionary<Guid, (int Active, int Total)> counts)
    {
        var (active, total) = counts.GetValueOrDefault(b.Id);
        return new AddressBookSummary(b.Id, b.Name, b.Description, active, total, b.CreatedAt, b.UpdatedAt);
    }
}
