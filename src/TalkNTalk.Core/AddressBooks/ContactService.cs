using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.AddressBooks;

public sealed record ContactView(long Id, string Mobile, Network Network, string? FirstName, string? LastName,
    IReadOnlyDictionary<string, string> CustomFields, ContactStatus Status, DateTime CreatedAt, DateTime UpdatedAt)
{
    public string FullName => $"{FirstName} {LastName}".Trim();
}

/// <summary>A contact holding a number, with its book: what a message links to.</summary>
public sealed record ContactMatch(Guid AddressBookId, string AddressBookName, long ContactId, string? FirstName, string? LastName, ContactStatus Status)
{
    public string FullName => $"{FirstName} {LastName}".Trim();
}

/// <summary>What a person types for a contact. Custom fields are optional extras.</summary>
public sealed record ContactInput(string? Mobile, string? FirstName, string? LastName, IReadOnlyDictionary<string, string>? CustomFields = null);

public enum ContactSort { LastName, FirstName, Mobile, Network, Status, CreatedAt, UpdatedAt }

/// <summary>A page of a book's contacts. <see cref="Search"/> is a partial number in any format, or part of a name.</summary>
public sealed record ContactQuery(
    string? Search = null,
    ContactStatus? Status = null,
    Network? Network = null,
    ContactSort Sort = ContactSort.LastName,
    bool Descending = false,
    int Skip = 0,
    int Take = 50);

/// <summary>The contacts of one book: search, add, edit, remove, opt out, move and copy between books.</summary>
public sealed class ContactService(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 500;

    public async Task<(IReadOnlyList<ContactView> Items, int Total)> QueryAsync(Guid organisationId, Guid addressBookId, ContactQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        var contacts = Filter(db, addressBookId, query);
        var total = await contacts.CountAsync(ct);
        var rows = await Sort(contacts, query.Sort, query.Descending)
            .Skip(Math.Max(0, query.Skip)).Take(Math.Clamp(query.Take, 1, MaxPageSize))
            .ToListAsync(ct);
        return (rows.Select(ToView).ToList(), total);
    }

    /// <summary>The ids of every contact of the book that matches the query's search and filters (a bulk action on "all matching").</summary>
    public async Task<IReadOnlyList<long>> MatchingIdsAsync(Guid organisationId, Guid addressBookId, ContactQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        return await Filter(db, addressBookId, query).Select(c => c.Id).ToListAsync(ct);
    }

    /// <summary>The organisation's contacts with exactly this number (MSISDN), in any book.</summary>
    public async Task<IReadOnlyList<ContactMatch>> FindByMobileAsync(Guid organisationId, string msisdn, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        ContactStatus[] any = [ContactStatus.Active, ContactStatus.OptedOut]; // lets the (organisation, status, mobile) index serve
        return await db.Contacts.AsNoTracking()
            .Where(c => c.OrganisationId == organisationId && any.Contains(c.Status) && c.Mobile == msisdn)
            .Join(db.AddressBooks, c => c.AddressBookId, b => b.Id, (c, b) => new { Book = b, Contact = c })
            .OrderBy(m => m.Book.Name).Take(20)
            .Select(m => new ContactMatch(m.Book.Id, m.Book.Name, m.Contact.Id, m.Contact.FirstName, m.Contact.LastName, m.Contact.Status))
            .ToListAsync(ct);
    }

    public async Task<ContactView> AddAsync(Guid organisationId, Guid addressBookId, ContactInput input, CancellationToken ct = default)
    {
        var (phone, first, last, fields) = Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        if (await db.Contacts.AnyAsync(c => c.AddressBookId == addressBookId && c.Mobile == phone.Msisdn, ct))
            throw DomainException.Validation("mobile", $"{phone.Display} is already in this address book.");
        var now = clock.GetUtcNow().UtcDateTime;
        var contact = new Contact
        {
            OrganisationId = organisationId,
            AddressBookId = addressBookId,
            Mobile = phone.Msisdn,
            Network = phone.Network,
            FirstName = first,
            LastName = last,
            CustomFields = fields,
            Status = ContactStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Contacts.Add(contact);
        book.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return ToView(contact);
    }

    public async Task<ContactView> UpdateAsync(Guid organisationId, Guid addressBookId, long contactId, ContactInput input, CancellationToken ct = default)
    {
        var (phone, first, last, fields) = Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        var contact = await db.Contacts.SingleOrDefaultAsync(c => c.AddressBookId == addressBookId && c.Id == contactId, ct)
            ?? throw DomainException.NotFound("Contact");
        if (contact.Mobile != phone.Msisdn && await db.Contacts.AnyAsync(c => c.AddressBookId == addressBookId && c.Mobile == phone.Msisdn, ct))
            throw DomainException.Validation("mobile", $"{phone.Display} is already in this address book.");
        var now = clock.GetUtcNow().UtcDateTime;
        contact.Mobile = phone.Msisdn;
        contact.Network = phone.Network;
        contact.FirstName = first;
        contact.LastName = last;
        contact.CustomFields = fields;
        contact.UpdatedAt = now;
        book.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return ToView(contact);
    }

    /// <summary>Removes contacts from the book; returns how many were removed.</summary>
    public async Task<int> RemoveAsync(Guid organisationId, Guid addressBookId, IReadOnlyCollection<long> contactIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        var removed = await db.Contacts.Where(c => c.AddressBookId == addressBookId && contactIds.Contains(c.Id)).ExecuteDeleteAsync(ct);
        await TouchAsync(db, book, removed, ct);
        return removed;
    }

    /// <summary>Opts contacts out (never sent to again, from any book) or back in; returns how many changed.</summary>
    public async Task<int> SetStatusAsync(Guid organisationId, Guid addressBookId, IReadOnlyCollection<long> contactIds, ContactStatus status, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.Contacts
            .Where(c => c.AddressBookId == addressBookId && contactIds.Contains(c.Id) && c.Status != status)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status).SetProperty(c => c.UpdatedAt, now), ct);
        await TouchAsync(db, book, changed, ct);
        return changed;
    }

    /// <summary>Copies contacts into another book; numbers already there are left as they are.</summary>
    public Task<TransferResult> CopyAsync(Guid organisationId, Guid fromBookId, IReadOnlyCollection<long> contactIds, Guid toBookId, CancellationToken ct = default) =>
        TransferAsync(organisationId, fromBookId, contactIds, toBookId, move: false, ct);

    /// <summary>Moves contacts into another book; where the number is already there, the source copy is simply removed.</summary>
    public Task<TransferResult> MoveAsync(Guid organisationId, Guid fromBookId, IReadOnlyCollection<long> contactIds, Guid toBookId, CancellationToken ct = default) =>
        TransferAsync(organisationId, fromBookId, contactIds, toBookId, move: true, ct);

    private async Task<TransferResult> TransferAsync(Guid organisationId, Guid fromBookId, IReadOnlyCollection<long> contactIds, Guid toBookId, bool move, CancellationToken ct)
    {
        if (fromBookId == toBookId)
            throw DomainException.Validation("target", "Choose a different address book to move or copy to.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var from = await AddressBookService.FindAsync(db, organisationId, fromBookId, ct);
        var to = await AddressBookService.FindAsync(db, organisationId, toBookId, ct);
        var selected = await db.Contacts.Where(c => c.AddressBookId == fromBookId && contactIds.Contains(c.Id)).ToListAsync(ct);
        var mobiles = selected.Select(c => c.Mobile).ToList();
        var existing = (await db.Contacts.Where(c => c.AddressBookId == toBookId && mobiles.Contains(c.Mobile)).Select(c => c.Mobile).ToListAsync(ct)).ToHashSet();
        var now = clock.GetUtcNow().UtcDateTime;
        var transferred = 0;
        foreach (var contact in selected)
        {
            if (existing.Contains(contact.Mobile))
            {
                if (move)
                    db.Contacts.Remove(contact);
                continue;
            }
            transferred++;
            if (move)
            {
                contact.AddressBookId = toBookId;
                contact.UpdatedAt = now;
            }
            else
            {
                db.Contacts.Add(new Contact
                {
                    OrganisationId = organisationId,
                    AddressBookId = toBookId,
                    Mobile = contact.Mobile,
                    Network = contact.Network,
                    FirstName = contact.FirstName,
                    LastName = contact.LastName,
                    CustomFields = contact.CustomFields,
                    Status = contact.Status,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }
        }
        to.UpdatedAt = now;
        if (move)
            from.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new TransferResult(transferred, selected.Count - transferred);
    }

    private static IQueryable<Contact> Filter(TalkNTalkDbContext db, Guid addressBookId, ContactQuery query)
    {
        var search = query.Search?.Trim();
        IQueryable<Contact> contacts;
        // Digits (with the punctuation people type in numbers) search the number; anything with a letter searches
        // names and custom field values, without regard to case or accents.
        if (string.IsNullOrEmpty(search))
            contacts = db.Contacts;
        else if (!search.Any(char.IsLetter) && PhoneNumber.DigitsForSearch(search) is { } digits)
            contacts = db.Contacts.Where(c => EF.Functions.Like(c.Mobile, Like.Contains(digits), Like.Escape));
        else
        {
            var pattern = Like.Contains(ContactSearch.Fold(search));
            contacts = db.Contacts.FromSql(
                $"SELECT * FROM contacts WHERE tnt_contact_text(FirstName, LastName, CustomFields) LIKE {pattern} ESCAPE '\\'");
        }
        contacts = contacts.AsNoTracking().Where(c => c.AddressBookId == addressBookId);
        if (query.Status is { } status)
            contacts = contacts.Where(c => c.Status == status);
        if (query.Network is { } network)
            contacts = contacts.Where(c => c.Network == network);
        return contacts;
    }

    private static IQueryable<Contact> Sort(IQueryable<Contact> contacts, ContactSort sort, bool descending) => (sort, descending) switch
    {
        (ContactSort.FirstName, false) => contacts.OrderBy(c => c.FirstName).ThenBy(c => c.Id),
        (ContactSort.FirstName, true) => contacts.OrderByDescending(c => c.FirstName).ThenByDescending(c => c.Id),
        (ContactSort.Mobile, false) => contacts.OrderBy(c => c.Mobile),
        (ContactSort.Mobile, true) => contacts.OrderByDescending(c => c.Mobile),
        (ContactSort.Network, false) => contacts.OrderBy(c => c.Network).ThenBy(c => c.Id),
        (ContactSort.Network, true) => contacts.OrderByDescending(c => c.Network).ThenByDescending(c => c.Id),
        (ContactSort.Status, false) => contacts.OrderBy(c => c.Status).ThenBy(c => c.Id),
        (ContactSort.Status, true) => contacts.OrderByDescending(c => c.Status).ThenByDescending(c => c.Id),
        (ContactSort.CreatedAt, false) => contacts.OrderBy(c => c.Id),
        (ContactSort.CreatedAt, true) => contacts.OrderByDescending(c => c.Id),
        (ContactSort.UpdatedAt, false) => contacts.OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id),
        (ContactSort.UpdatedAt, true) => contacts.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id),
        (_, false) => contacts.OrderBy(c => c.LastName).ThenBy(c => c.FirstName).ThenBy(c => c.Id),
        (_, true) => contacts.OrderByDescending(c => c.LastName).ThenByDescending(c => c.FirstName).ThenByDescending(c => c.Id),
    };

    private static (PhoneNumber Phone, string? First, string? Last, string? Fields) Validate(ContactInput input)
    {
        if (!PhoneNumber.TryParse(input.Mobile, out var phone, out var error))
            throw DomainException.Validation("mobile", error ?? "Enter a Kenyan mobile number.");
        var first = CleanName(input.FirstName, "firstName");
        var last = CleanName(input.LastName, "lastName");
        var fields = input.CustomFields?
            .Where(f => !string.IsNullOrWhiteSpace(f.Key) && !string.IsNullOrWhiteSpace(f.Value))
            .ToDictionary(f => ContactFields.NormalizeKey(f.Key), f => f.Value.Trim());
        if (fields?.Count > ContactFields.MaxFields)
            throw DomainException.Validation("customFields", $"A contact can have at most {ContactFields.MaxFields} custom fields.");
        if (fields?.Any(f => f.Key.Length > ContactFields.MaxKeyLength || f.Value.Length > ContactFields.MaxValueLength) == true)
            throw DomainException.Validation("customFields", $"Keep field names to {ContactFields.MaxKeyLength} characters and values to {ContactFields.MaxValueLength}.");
        return (phone, first, last, ContactFields.Serialize(fields));
    }

    private static string? CleanName(string? name, string field)
    {
        var clean = name?.Trim();
        if (string.IsNullOrEmpty(clean))
            return null;
        return clean.Length <= Contact.MaxNameLength ? clean : throw DomainException.Validation(field, $"Keep names to {Contact.MaxNameLength} characters.");
    }

    private async Task TouchAsync(TalkNTalkDbContext db, AddressBook book, int changed, CancellationToken ct)
    {
        if (changed == 0)
            return;
        book.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    private static ContactView ToView(Contact c) =>
        new(c.Id, c.Mobile, c.Network, c.FirstName, c.LastName, ContactFields.Parse(c.CustomFields), c.Status, c.CreatedAt, c.UpdatedAt);
}

/// <summary>How many contacts went to the other book, and how many were already there.</summary>
public sealed record TransferResult(int Transferred, int AlreadyThere);
