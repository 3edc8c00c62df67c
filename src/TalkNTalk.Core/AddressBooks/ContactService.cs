using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.AddressBooks;

public sealed record ContactView(long Id, string? Mobile, Network Network, string? FirstName, string? LastName,
    IReadOnlyDictionary<string, string> CustomFields, ContactStatus Status, DateTime CreatedAt, DateTime UpdatedAt,
    string? Email = null, string? TelegramChatId = null, string? SlackUserId = null, IReadOnlyList<Channel>? OptedOutOf = null)
{
    public string FullName => $"{FirstName} {LastName}".Trim();

    /// <summary>The contact's address on the channel, if it has one.</summary>
    public string? AddressFor(Channel channel) => ContactAddressColumns.Pick(channel, Mobile, Email, TelegramChatId, SlackUserId);

    /// <summary>The first address it has, as people read it: the number, else the e-mail address, the chat id, the member id.</summary>
    public string PrimaryAddress => Mobile is { } mobile ? Channel.Sms.DisplayAddress(mobile) : Email ?? TelegramChatId ?? SlackUserId ?? "";

    /// <summary>Opted out of the channel: every channel once the contact is opted out as a whole, or this one alone.</summary>
    public bool IsOptedOutOf(Channel channel) => Status == ContactStatus.OptedOut || OptedOutOf?.Contains(channel) == true;
}

/// <summary>A contact holding a number, with its book: what a message links to.</summary>
public sealed record ContactMatch(Guid AddressBookId, string AddressBookName, long ContactId, string? FirstName, string? LastName, ContactStatus Status)
{
    public string FullName => $"{FirstName} {LastName}".Trim();
}

/// <summary>What a person types for a contact: at least one address. Custom fields are optional extras.</summary>
public sealed record ContactInput(string? Mobile, string? FirstName, string? LastName, IReadOnlyDictionary<string, string>? CustomFields = null,
    string? Email = null, string? TelegramChatId = null, string? SlackUserId = null);

public enum ContactSort { LastName, FirstName, Mobile, Network, Status, CreatedAt, UpdatedAt }

/// <summary>A page of a book's contacts. <see cref="Search"/> is a partial number or chat id, or part of a name, an e-mail address or a member id.</summary>
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
        return (await ViewsAsync(db, organisationId, rows, ct), total);
    }

    /// <summary>The ids of every contact of the book that matches the query's search and filters (a bulk action on "all matching").</summary>
    public async Task<IReadOnlyList<long>> MatchingIdsAsync(Guid organisationId, Guid addressBookId, ContactQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        return await Filter(db, addressBookId, query).Select(c => c.Id).ToListAsync(ct);
    }

    /// <summary>The organisation's contacts with exactly this address on the channel (as stored), in any book.</summary>
    public async Task<IReadOnlyList<ContactMatch>> FindByAddressAsync(Guid organisationId, Channel channel, string address, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        ContactStatus[] any = [ContactStatus.Active, ContactStatus.OptedOut]; // lets the (organisation, status, mobile) index serve
        var contacts = db.Contacts.AsNoTracking().Where(c => c.OrganisationId == organisationId);
        contacts = ContactAddressColumns.Of(channel) switch
        {
            nameof(Contact.Mobile) => contacts.Where(c => any.Contains(c.Status) && c.Mobile == address),
            nameof(Contact.Email) => contacts.Where(c => c.Email == address),
            nameof(Contact.TelegramChatId) => contacts.Where(c => c.TelegramChatId == address),
            _ => contacts.Where(c => c.SlackUserId == address),
        };
        return await contacts
            .Join(db.AddressBooks, c => c.AddressBookId, b => b.Id, (c, b) => new { Book = b, Contact = c })
            .OrderBy(m => m.Book.Name).Take(20)
            .Select(m => new ContactMatch(m.Book.Id, m.Book.Name, m.Contact.Id, m.Contact.FirstName, m.Contact.LastName, m.Contact.Status))
            .ToListAsync(ct);
    }

    /// <summary>Stops (or, <paramref name="optedOut"/> false, resumes) one channel for the contact's address on it, organisation-wide.</summary>
    public async Task SetChannelOptOutAsync(Guid organisationId, Guid addressBookId, long contactId, Channel channel, bool optedOut, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        var contact = await db.Contacts.SingleOrDefaultAsync(c => c.AddressBookId == addressBookId && c.Id == contactId, ct)
            ?? throw DomainException.NotFound("Contact");
        var address = contact.AddressFor(channel)
            ?? throw DomainException.Validation("channel", $"This contact has no {channel.AddressName()}, so there is no {channel.ToDisplayName()} to opt out of.");
        if (optedOut)
            await OptOutAsync(db, organisationId, channel, address, OptOutReason.Requested, ct);
        else
            await db.OptOuts.Where(o => o.OrganisationId == organisationId && o.Channel == channel && o.Address == address).ExecuteDeleteAsync(ct);
        await TouchAsync(db, book, 1, ct);
    }

    /// <summary>Keeps the address out of every send on the channel, organisation-wide (a provider's own opt-out, or a person's request).</summary>
    public async Task OptOutAsync(Guid organisationId, Channel channel, string address, OptOutReason reason, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await OptOutAsync(db, organisationId, channel, address, reason, ct);
    }

    private Task OptOutAsync(TalkNTalkDbContext db, Guid organisationId, Channel channel, string address, OptOutReason reason, CancellationToken ct) =>
        InsertOptOutAsync(db, organisationId, channel, address, reason, clock.GetUtcNow().UtcDateTime, ct);

    /// <summary>
    /// Writes one opt-out in the context's transaction, if any (the dispatcher and delivery reports write theirs beside the
    /// status change that caused it). Idempotent: a provider reports the same block again, two people click at once.
    /// </summary>
    internal static async Task InsertOptOutAsync(TalkNTalkDbContext db, Guid organisationId, Channel channel, string address, OptOutReason reason, DateTime now, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO opt_outs (OrganisationId, Channel, Address, Reason, CreatedAt) VALUES ({organisationId}, {channel.ToString()}, {address}, {reason.ToString()}, {now})
            ON CONFLICT (OrganisationId, Channel, Address) DO NOTHING
            """, ct);

    /// <summary>One contact of the book, with the channels it has opted out of.</summary>
    public async Task<ContactView> GetAsync(Guid organisationId, Guid addressBookId, long contactId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        var contact = await db.Contacts.AsNoTracking().SingleOrDefaultAsync(c => c.AddressBookId == addressBookId && c.Id == contactId, ct)
            ?? throw DomainException.NotFound("Contact");
        return (await ViewsAsync(db, organisationId, [contact], ct))[0];
    }

    public async Task<ContactView> AddAsync(Guid organisationId, Guid addressBookId, ContactInput input, CancellationToken ct = default)
    {
        var clean = Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        await CheckUniqueAsync(db, addressBookId, null, clean, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var contact = new Contact
        {
            OrganisationId = organisationId,
            AddressBookId = addressBookId,
            Status = ContactStatus.Active,
            CreatedAt = now,
        };
        clean.ApplyTo(contact, now);
        db.Contacts.Add(contact);
        book.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return ToView(contact);
    }

    public async Task<ContactView> UpdateAsync(Guid organisationId, Guid addressBookId, long contactId, ContactInput input, CancellationToken ct = default)
    {
        var clean = Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        var contact = await db.Contacts.SingleOrDefaultAsync(c => c.AddressBookId == addressBookId && c.Id == contactId, ct)
            ?? throw DomainException.NotFound("Contact");
        await CheckUniqueAsync(db, addressBookId, contactId, clean, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        clean.ApplyTo(contact, now);
        book.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db, organisationId, [contact], ct))[0];
    }

    // Each address once per book: the field that clashes is named, with the address as the person typed it.
    private static async Task CheckUniqueAsync(TalkNTalkDbContext db, Guid addressBookId, long? self, CleanContact clean, CancellationToken ct)
    {
        var others = db.Contacts.Where(c => c.AddressBookId == addressBookId && c.Id != self);
        if (clean.Phone is { } phone && await others.AnyAsync(c => c.Mobile == phone.Msisdn, ct))
            throw DomainException.Validation("mobile", $"{phone.Display} is already in this address book.");
        if (clean.Email is { } email && await others.AnyAsync(c => c.Email == email, ct))
            throw DomainException.Validation("email", $"{email} is already in this address book.");
        if (clean.TelegramChatId is { } chat && await others.AnyAsync(c => c.TelegramChatId == chat, ct))
            throw DomainException.Validation("telegramChatId", $"Telegram chat {chat} is already in this address book.");
        if (clean.SlackUserId is { } member && await others.AnyAsync(c => c.SlackUserId == member, ct))
            throw DomainException.Validation("slackUserId", $"Slack member {member} is already in this address book.");
    }

    /// <summary>
    /// Removes contacts from the book; returns how many were removed. A contact opted out as a whole leaves its addresses
    /// opted out of every channel, as a move does, so that adding it again (an import, the API) cannot make it receive.
    /// </summary>
    public async Task<int> RemoveAsync(Guid organisationId, Guid addressBookId, IReadOnlyCollection<long> contactIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        var selected = db.Contacts.Where(c => c.AddressBookId == addressBookId && contactIds.Contains(c.Id));
        foreach (var contact in await selected.Where(c => c.Status == ContactStatus.OptedOut).AsNoTracking().ToListAsync(ct))
            foreach (var channel in ChannelNames.All)
                if (contact.AddressFor(channel) is { } address)
                    await OptOutAsync(db, organisationId, channel, address, OptOutReason.Requested, ct);
        var removed = await selected.ExecuteDeleteAsync(ct);
        await TouchAsync(db, book, removed, ct);
        await transaction.CommitAsync(ct);
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

    /// <summary>Copies contacts into another book; contacts whose address is already there are left as they are.</summary>
    public Task<TransferResult> CopyAsync(Guid organisationId, Guid fromBookId, IReadOnlyCollection<long> contactIds, Guid toBookId, CancellationToken ct = default) =>
        TransferAsync(organisationId, fromBookId, contactIds, toBookId, move: false, ct);

    /// <summary>Moves contacts into another book; where an address is already there, the source copy is simply removed.</summary>
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
        // A contact is already there when any of its addresses is: each address is once per book.
        var addresses = selected.SelectMany(c => new[] { c.Mobile, c.Email, c.TelegramChatId, c.SlackUserId }).OfType<string>().ToList();
        var there = await db.Contacts.Where(c => c.AddressBookId == toBookId
                && (addresses.Contains(c.Mobile!) || addresses.Contains(c.Email!) || addresses.Contains(c.TelegramChatId!) || addresses.Contains(c.SlackUserId!)))
            .Select(c => new { c.Mobile, c.Email, c.TelegramChatId, c.SlackUserId }).ToListAsync(ct);
        var existing = there.SelectMany(c => new[] { "m:" + c.Mobile, "e:" + c.Email, "t:" + c.TelegramChatId, "s:" + c.SlackUserId }).ToHashSet(StringComparer.Ordinal);
        bool AlreadyThere(Contact c) =>
            (c.Mobile is { } m && existing.Contains("m:" + m)) || (c.Email is { } e && existing.Contains("e:" + e))
            || (c.TelegramChatId is { } t && existing.Contains("t:" + t)) || (c.SlackUserId is { } sl && existing.Contains("s:" + sl));
        var now = clock.GetUtcNow().UtcDateTime;
        var transferred = 0;
        foreach (var contact in selected)
        {
            if (AlreadyThere(contact))
            {
                if (move)
                {
                    // The copy there may be active: an opted-out contact's addresses stay off every channel once it is gone.
                    if (contact.Status == ContactStatus.OptedOut)
                        foreach (var channel in ChannelNames.All)
                            if (contact.AddressFor(channel) is { } address)
                                await OptOutAsync(db, organisationId, channel, address, OptOutReason.Requested, ct);
                    db.Contacts.Remove(contact);
                }
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
                    Email = contact.Email,
                    TelegramChatId = contact.TelegramChatId,
                    SlackUserId = contact.SlackUserId,
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
        // Digits (with the punctuation people type in numbers) search the number and the Telegram chat id; anything
        // with a letter or an @ searches names and custom field values, without regard to case or accents, and the
        // e-mail address and Slack member id.
        if (string.IsNullOrEmpty(search))
            contacts = db.Contacts;
        else if (!search.Any(char.IsLetter) && !search.Contains('@') && PhoneNumber.DigitsForSearch(search) is { } digits)
        {
            var number = Like.Contains(digits);
            var chat = Like.Contains(search.Replace(" ", "", StringComparison.Ordinal));
            contacts = db.Contacts.Where(c => Like.Matches(c.Mobile, number) || Like.Matches(c.TelegramChatId, chat));
        }
        else
        {
            var text = Like.Contains(ContactSearch.Fold(search));
            var address = Like.Contains(search);
            contacts = db.Contacts.Where(c => Like.Matches(ContactSearch.Text(c.FirstName, c.LastName, c.CustomFields), text)
                || Like.Matches(c.Email, address) || Like.Matches(c.SlackUserId, address));
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

    /// <summary>A contact's input once every address is normalised and every name and field checked.</summary>
    internal sealed record CleanContact(PhoneNumber? Phone, string? Email, string? TelegramChatId, string? SlackUserId, string? First, string? Last, string? Fields)
    {
        public void ApplyTo(Contact contact, DateTime now)
        {
            contact.Mobile = Phone?.Msisdn;
            contact.Network = Phone?.Network ?? Network.None;
            contact.Email = Email;
            contact.TelegramChatId = TelegramChatId;
            contact.SlackUserId = SlackUserId;
            contact.FirstName = First;
            contact.LastName = Last;
            contact.CustomFields = Fields;
            contact.UpdatedAt = now;
        }
    }

    public const string NoAddress = "Give at least one way to reach the contact: a mobile number, an e-mail address, a Telegram chat id or a Slack member id.";

    /// <summary>The one set of rules for a contact's input, shared by the contact form and the API's upsert (<c>ContactImporter.UpsertAsync</c>).</summary>
    internal static CleanContact Validate(ContactInput input)
    {
        PhoneNumber? phone = null;
        if (!string.IsNullOrWhiteSpace(input.Mobile))
            phone = PhoneNumber.TryParse(input.Mobile, out var parsed, out var error) ? parsed : throw DomainException.Validation("mobile", error ?? "Enter a Kenyan mobile number.");
        var email = Address(Channel.Email, input.Email, "email");
        var chat = Address(Channel.Telegram, input.TelegramChatId, "telegramChatId");
        var member = Address(Channel.Slack, input.SlackUserId, "slackUserId");
        if (phone is null && email is null && chat is null && member is null)
            throw DomainException.Validation("mobile", NoAddress);
        var first = CleanName(input.FirstName, "firstName");
        var last = CleanName(input.LastName, "lastName");
        var fields = input.CustomFields?
            .Where(f => !string.IsNullOrWhiteSpace(f.Key) && !string.IsNullOrWhiteSpace(f.Value))
            .ToDictionary(f => ContactFields.NormalizeKey(f.Key), f => f.Value.Trim());
        if (fields?.Count > ContactFields.MaxFields)
            throw DomainException.Validation("customFields", $"A contact can have at most {ContactFields.MaxFields} custom fields.");
        if (fields?.Any(f => f.Key.Length > ContactFields.MaxKeyLength || f.Value.Length > ContactFields.MaxValueLength) == true)
            throw DomainException.Validation("customFields", $"Keep field names to {ContactFields.MaxKeyLength} characters and values to {ContactFields.MaxValueLength}.");
        return new CleanContact(phone, email, chat, member, first, last, ContactFields.Serialize(fields));
    }

    private static string? Address(Channel channel, string? input, string field) =>
        string.IsNullOrWhiteSpace(input) ? null
        : ChannelAddress.TryNormalise(channel, input, out var address, out var problem) ? address
        : throw DomainException.Validation(field, problem!);

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

    private static ContactView ToView(Contact c) => ToView(c, null);

    private static ContactView ToView(Contact c, IReadOnlyList<Channel>? optedOutOf) =>
        new(c.Id, c.Mobile, c.Network, c.FirstName, c.LastName, ContactFields.Parse(c.CustomFields), c.Status, c.CreatedAt, c.UpdatedAt,
            c.Email, c.TelegramChatId, c.SlackUserId, optedOutOf);

    // The contacts with the channels each has opted out of, read for the page's addresses in one query.
    private static async Task<IReadOnlyList<ContactView>> ViewsAsync(TalkNTalkDbContext db, Guid organisationId, IReadOnlyList<Contact> contacts, CancellationToken ct)
    {
        var addresses = contacts.SelectMany(c => new[] { c.Mobile, c.Email, c.TelegramChatId, c.SlackUserId }).OfType<string>().Distinct().ToList();
        var optOuts = addresses.Count == 0 ? [] : await db.OptOuts.AsNoTracking()
            .Where(o => o.OrganisationId == organisationId && addresses.Contains(o.Address)).Select(o => new { o.Channel, o.Address }).ToListAsync(ct);
        return contacts.Select(c => ToView(c, optOuts.Where(o => c.AddressFor(o.Channel) == o.Address).Select(o => o.Channel).Order().ToList())).ToList();
    }
}

/// <summary>How many contacts went to the other book, and how many were already there.</summary>
public sealed record TransferResult(int Transferred, int AlreadyThere);
