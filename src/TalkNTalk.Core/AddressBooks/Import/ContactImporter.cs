using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.AddressBooks.Import;

/// <summary>
/// Imports contacts from CSV into a book: numbers normalised, de-duplicated within the file and against the book,
/// existing contacts updated (never re-activated), bad rows reported with their line. One transaction: a failed
/// or cancelled import changes nothing. Bulk writes use prepared commands on the context's connection.
/// </summary>
public sealed class ContactImporter(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock, IOptions<ImportOptions> options)
{
    private static readonly char[] Delimiters = [',', ';', '\t'];

    /// <summary>Reads the header and the first rows, after checking the file is a CSV at all.</summary>
    public async Task<CsvPreview> PreviewAsync(Stream csv, int maxRows = 10, CancellationToken ct = default)
    {
        using var input = await OpenAsync(csv, ct);
        var headers = input.Headers;
        var rows = new List<IReadOnlyList<string>>();
        while (rows.Count < maxRows && await input.Csv.ReadAsync())
            rows.Add(Enumerable.Range(0, headers.Count).Select(i => input.Csv.TryGetField<string>(i, out var v) ? v ?? "" : "").ToList());
        if (rows.Count == 0)
            throw DomainException.Validation("file", "The file has a header row but no contacts under it.");
        return new CsvPreview(input.Delimiter, headers, rows,
            ImportColumns.MobileColumn(headers), ImportColumns.FirstNameColumn(headers), ImportColumns.LastNameColumn(headers),
            ImportColumns.FullNameColumn(headers), ImportColumns.EmailColumn(headers), ImportColumns.TelegramColumn(headers), ImportColumns.SlackColumn(headers));
    }

    public async Task<ImportReport> ImportAsync(Guid organisationId, Guid addressBookId, Stream csv, ColumnMapping mapping, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        using var input = await OpenAsync(csv, ct);
        bool Mapped(int? column) => column is { } i && i >= 0 && i < input.Headers.Count;
        if (!Mapped(mapping.MobileColumn) && !Mapped(mapping.EmailColumn) && !Mapped(mapping.TelegramColumn) && !Mapped(mapping.SlackColumn))
            throw DomainException.Validation("mapping", "Choose which column holds the mobile numbers or the e-mail addresses (or the Telegram chat ids or Slack member ids).");

        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var upsert = await Upserter.StartAsync(db.Database.GetDbConnection(), organisationId, addressBookId, now, ct);
        var invalid = new List<InvalidRow>();
        int rows = 0;
        var lastReport = Stopwatch.StartNew();
        while (await input.Csv.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            rows++;
            var line = input.Csv.Parser.RawRow;
            var raw = input.Csv.Parser.RawRecord;
            if (raw.Length > options.Value.MaxRowCharacters)
            {
                invalid.Add(new InvalidRow(line, Truncate(raw), $"The row is {raw.Length:N0} characters long; a row may have at most {options.Value.MaxRowCharacters:N0}."));
                continue;
            }
            if (ReadAddresses(input.Csv, mapping, invalid) is not { } addresses)
                continue;
            var (splitFirst, splitLast) = ImportColumns.SplitFullName(Field(input.Csv, mapping.FullNameColumn));
            await upsert.ApplyAsync(line, addresses, Name(Field(input.Csv, mapping.FirstNameColumn) ?? splitFirst),
                Name(Field(input.Csv, mapping.LastNameColumn) ?? splitLast), CustomFields(input.Csv, mapping), ct);
            if (progress is not null && lastReport.ElapsedMilliseconds >= 100)
            {
                progress.Report(new ImportProgress(input.BytesRead, input.TotalBytes, rows));
                lastReport.Restart();
            }
        }
        if (upsert.Imported + upsert.Updated > 0)
        {
            book.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        progress?.Report(new ImportProgress(input.TotalBytes, input.TotalBytes, rows));
        return new ImportReport(rows, upsert.Imported, upsert.Updated, upsert.Duplicates, upsert.Unchanged, invalid);
    }

    /// <summary>
    /// Adds or updates contacts given one by one (the API's <c>POST /v1/address-books/{id}/contacts/</c>) by the import's
    /// rules: each checked as the contact form checks it, found in the book by any of its addresses and merged into it
    /// (names and fields overwritten where given, addresses filled where it has none, an opt-out never undone), else
    /// added. A contact that repeats an address of an earlier one in the same call is refused, as is an invalid one; the
    /// others are written in one transaction.
    /// </summary>
    public async Task<ContactUpsertReport> UpsertAsync(Guid organisationId, Guid addressBookId, IReadOnlyList<ContactInput> contacts, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var book = await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var upsert = await Upserter.StartAsync(db.Database.GetDbConnection(), organisationId, addressBookId, now, ct);
        var taken = new List<ContactUpserted>(contacts.Count);
        var errors = new List<ContactRejected>();
        for (var index = 0; index < contacts.Count; index++)
        {
            ContactService.CleanContact clean;
            try
            {
                clean = ContactService.Validate(contacts[index]);
            }
            catch (DomainException e)
            {
                errors.Add(new ContactRejected(index, e.Field, e.Code, e.Message));
                continue;
            }
            var addresses = new RowAddresses(clean.Phone?.Msisdn, clean.Phone?.Network ?? Network.None, clean.Email, clean.TelegramChatId, clean.SlackUserId);
            var fields = clean.Fields is null ? null : ContactFields.Parse(clean.Fields);
            var outcome = await upsert.ApplyAsync(index, addresses, clean.First, clean.Last, fields, ct);
            if (outcome.Kind == UpsertKind.Duplicate)
            {
                var (field, channel) = AddressField(outcome.DuplicateKey!);
                errors.Add(new ContactRejected(index, field, "duplicate",
                    $"Contact {outcome.Row} of this request has the same {channel.AddressName()}: each contact once per request."));
            }
            else
                taken.Add(new ContactUpserted(index, outcome.ContactId, outcome.Kind.ToString().ToLowerInvariant()));
        }
        if (upsert.Imported + upsert.Updated > 0)
        {
            book.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new ContactUpsertReport(upsert.Imported, upsert.Updated, upsert.Unchanged, taken, errors);
    }

    // A duplicate key's input field ("mobile", "email", …) and the channel whose address it is.
    private static (string Field, Channel Channel) AddressField(string key) => key[0] switch
    {
        'm' => ("mobile", Channel.Sms),
        'e' => ("email", Channel.Email),
        't' => ("telegramChatId", Channel.Telegram),
        _ => ("slackUserId", Channel.Slack),
    };

    private enum UpsertKind { Created, Updated, Unchanged, Duplicate }

    /// <param name="Row">For a duplicate, the row (line, or index) that had the address first.</param>
    private readonly record struct UpsertOutcome(UpsertKind Kind, long ContactId, int Row = 0, string? DuplicateKey = null);

    /// <summary>
    /// The upsert rules of one import or API call, in its transaction: rows de-duplicated against earlier rows by any
    /// address, matched to the book's contacts by any address, merged or inserted through prepared commands.
    /// </summary>
    private sealed class Upserter : IAsyncDisposable
    {
        private readonly Dictionary<string, ExistingContact> _existing;
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
        private readonly DbCommand _insert;
        private readonly DbCommand _update;

        public int Imported { get; private set; }
        public int Updated { get; private set; }
        public int Duplicates { get; private set; }
        public int Unchanged { get; private set; }

        private Upserter(Dictionary<string, ExistingContact> existing, DbCommand insert, DbCommand update) =>
            (_existing, _insert, _update) = (existing, insert, update);

        public static async Task<Upserter> StartAsync(DbConnection connection, Guid organisationId, Guid addressBookId, DateTime now, CancellationToken ct)
        {
            var existing = await LoadExistingAsync(connection, addressBookId, ct);
            var stamp = now;
            var insert = Prepare(connection, """
                INSERT INTO contacts (OrganisationId, AddressBookId, Mobile, Network, Email, TelegramChatId, SlackUserId, FirstName, LastName, CustomFields, Status, CreatedAt, UpdatedAt)
                VALUES (@org, @book, @mobile, @network, @email, @telegram, @slack, @first, @last, @fields, 'Active', @now, @now)
                RETURNING Id
                """, "@org", "@book", "@mobile", "@network", "@email", "@telegram", "@slack", "@first", "@last", "@fields", "@now");
            var update = Prepare(connection, """
                UPDATE contacts SET Mobile = @mobile, Network = @network, Email = @email, TelegramChatId = @telegram, SlackUserId = @slack,
                    FirstName = @first, LastName = @last, CustomFields = @fields, UpdatedAt = @now WHERE Id = @id
                """, "@mobile", "@network", "@email", "@telegram", "@slack", "@first", "@last", "@fields", "@now", "@id");
            Sql.Set(insert, "@org", organisationId);
            Sql.Set(insert, "@book", addressBookId);
            insert.Parameters["@now"].Value = stamp;
            update.Parameters["@now"].Value = stamp;
            return new Upserter(existing, insert, update);
        }

        public async Task<UpsertOutcome> ApplyAsync(int row, RowAddresses addresses, string? first, string? last, IReadOnlyDictionary<string, string>? fields, CancellationToken ct)
        {
            foreach (var key in addresses.Keys)
            {
                if (_seen.TryGetValue(key, out var earlier))
                {
                    Duplicates++;
                    return new UpsertOutcome(UpsertKind.Duplicate, 0, earlier, key);
                }
            }
            foreach (var key in addresses.Keys)
                _seen[key] = row;
            if (addresses.Keys.Select(_existing.GetValueOrDefault).FirstOrDefault(c => c is not null) is { } current)
            {
                // Only mapped, non-empty values overwrite, and an address only where the contact has none and no other
                // contact of the book has it; the status (an opt-out) is never touched.
                var merged = current.Merge(addresses.Free(_existing), first, last, fields);
                if (merged == current)
                {
                    Unchanged++;
                    return new UpsertOutcome(UpsertKind.Unchanged, current.Id);
                }
                SetAddresses(_update, merged.Addresses);
                Sql.Set(_update, "@first", merged.FirstName);
                Sql.Set(_update, "@last", merged.LastName);
                Sql.Set(_update, "@fields", merged.CustomFields);
                _update.Parameters["@id"].Value = current.Id;
                await _update.ExecuteNonQueryAsync(ct);
                Updated++;
                // A later row may find the same contact by another of its addresses: it merges into what is stored now.
                foreach (var key in merged.Addresses.Keys)
                    _existing[key] = merged;
                return new UpsertOutcome(UpsertKind.Updated, current.Id);
            }
            SetAddresses(_insert, addresses);
            Sql.Set(_insert, "@first", first);
            Sql.Set(_insert, "@last", last);
            Sql.Set(_insert, "@fields", ContactFields.Serialize(fields));
            var id = Convert.ToInt64(await _insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            Imported++;
            return new UpsertOutcome(UpsertKind.Created, id);
        }

        public async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync();
            await _update.DisposeAsync();
        }
    }

    /// <summary>The invalid rows of a report as CSV (line, value, reason), for the user to fix and re-import.</summary>
    public static async Task WriteInvalidRowsCsvAsync(IEnumerable<InvalidRow> rows, TextWriter writer)
    {
        await using var csv = CsvCells.CreateWriter(writer);
        csv.WriteField("line");
        csv.WriteField("value");
        csv.WriteField("reason");
        await csv.NextRecordAsync();
        foreach (var row in rows)
        {
            csv.WriteField(row.Line);
            csv.WriteField(row.Value);
            csv.WriteField(row.Reason);
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
    }

    private async Task<CsvInput> OpenAsync(Stream csv, CancellationToken ct)
    {
        var limit = options.Value.MaxFileBytes;
        if (csv.CanSeek && csv.Length > limit)
            throw DomainException.Validation("file", $"The file is {csv.Length / (1024.0 * 1024):N1} MB; the limit is {limit / (1024 * 1024)} MB. Split it into smaller files.");
        var counting = new CountingStream(csv, limit);
        var head = new byte[4096];
        var length = await ReadHeadAsync(counting, head, ct);
        if (length == 0)
            throw DomainException.Validation("file", "The file is empty: choose a CSV file with a header row and contacts.");
        if (LooksBinary(head.AsSpan(0, length)))
            throw DomainException.Validation("file", "This is not a CSV text file (it looks like a spreadsheet, image or other binary file). In Excel use File › Save as › CSV UTF-8.");
        var rest = new ConcatStream(head.AsMemory(0, length), counting);
        var reader = new StreamReader(rest, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var firstLine = Encoding.UTF8.GetString(head, 0, length).TrimStart('\uFEFF').Split('\n')[0];
        var delimiter = Delimiters.OrderByDescending(d => firstLine.Count(c => c == d)).First();
        var csvReader = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter.ToString(),
            HasHeaderRecord = true,
            DetectDelimiter = false,
            BadDataFound = null,
            MissingFieldFound = null,
            TrimOptions = TrimOptions.Trim,
            IgnoreBlankLines = true,
        });
        if (!await csvReader.ReadAsync() || !csvReader.ReadHeader() || csvReader.HeaderRecord is not { Length: > 0 } headers || headers.All(string.IsNullOrWhiteSpace))
            throw DomainException.Validation("file", "The file has no header row: the first line should name the columns, e.g. mobile,first_name,last_name.");
        return new CsvInput(csvReader, reader, headers.Select((h, i) => string.IsNullOrWhiteSpace(h) ? $"Column {i + 1}" : h.Trim()).ToList(), delimiter, counting, csv.CanSeek ? csv.Length : 0);
    }

    private static async Task<int> ReadHeadAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0)
            total += read;
        return total;
    }

    // NUL bytes, or text that is not UTF-8, mean a binary file (xlsx, image) renamed .csv.
    private static bool LooksBinary(ReadOnlySpan<byte> head)
    {
        if (head.Contains((byte)0))
            return true;
        var decoded = new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(head);
        var replacements = decoded.Count(c => c == '\uFFFD');
        return replacements > Math.Max(3, decoded.Length / 50);
    }

    // Every contact of the book under each of its addresses' keys, so a row finds it by any one of them.
    private static async Task<Dictionary<string, ExistingContact>> LoadExistingAsync(DbConnection connection, Guid addressBookId, CancellationToken ct)
    {
        var existing = new Dictionary<string, ExistingContact>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, Mobile, Network, Email, TelegramChatId, SlackUserId, FirstName, LastName, CustomFields FROM contacts WHERE AddressBookId = @book";
        Sql.Add(command, "@book", addressBookId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync(ct))
        {
            var addresses = new RowAddresses(Text(1), Enum.Parse<Network>(reader.GetString(2)), Text(3), Text(4), Text(5));
            var contact = new ExistingContact(reader.GetInt64(0), addresses, Text(6), Text(7), Text(8));
            foreach (var key in addresses.Keys)
                existing[key] = contact;
        }
        return existing;
    }

    // The row's addresses, each normalised by its channel's rule; null (and the row reported) when one is not valid or none is given.
    private static RowAddresses? ReadAddresses(CsvReader csv, ColumnMapping mapping, List<InvalidRow> invalid)
    {
        var line = csv.Parser.RawRow;
        string? Read(Channel channel, int? column)
        {
            if (Field(csv, column) is not { } value)
                return null;
            if (ChannelAddress.TryNormalise(channel, value, out var address, out var problem))
                return address;
            throw new RowProblem(value, problem!);
        }
        try
        {
            var mobile = Read(Channel.Sms, mapping.MobileColumn);
            var addresses = new RowAddresses(mobile, mobile is null ? Network.None : KenyanNetworks.Detect(mobile),
                Read(Channel.Email, mapping.EmailColumn), Read(Channel.Telegram, mapping.TelegramColumn), Read(Channel.Slack, mapping.SlackColumn));
            if (addresses.Keys.Count > 0)
                return addresses;
            // A file of numbers alone says what a number is; one with other addresses too, that one of them is needed.
            var onlyNumbers = mapping is { EmailColumn: null, TelegramColumn: null, SlackColumn: null };
            invalid.Add(new InvalidRow(line, "", onlyNumbers && !PhoneNumber.TryParse(null, out _, out var error) ? error! : ContactService.NoAddress));
        }
        catch (RowProblem problem)
        {
            invalid.Add(new InvalidRow(line, Truncate(problem.Value), problem.Message));
        }
        return null;
    }

    private static void SetAddresses(DbCommand command, RowAddresses addresses)
    {
        Sql.Set(command, "@mobile", addresses.Mobile);
        Sql.Set(command, "@network", addresses.Network.ToString());
        Sql.Set(command, "@email", addresses.Email);
        Sql.Set(command, "@telegram", addresses.TelegramChatId);
        Sql.Set(command, "@slack", addresses.SlackUserId);
    }

    private sealed class RowProblem(string value, string message) : Exception(message)
    {
        public string Value { get; } = value;
    }

    /// <summary>A row's or a contact's addresses; <see cref="Keys"/> tell the kinds apart ("m:2547…", "e:…").</summary>
    private sealed record RowAddresses(string? Mobile, Network Network, string? Email, string? TelegramChatId, string? SlackUserId)
    {
        public IReadOnlyList<string> Keys => new[] { Key("m", Mobile), Key("e", Email), Key("t", TelegramChatId), Key("s", SlackUserId) }.OfType<string>().ToList();

        /// <summary>These addresses without those a contact of the book already has.</summary>
        public RowAddresses Free(Dictionary<string, ExistingContact> taken)
        {
            bool Has(string kind, string? value) => value is not null && taken.ContainsKey(kind + ":" + value);
            return new(Has("m", Mobile) ? null : Mobile, Has("m", Mobile) ? Network.None : Network, Has("e", Email) ? null : Email,
                Has("t", TelegramChatId) ? null : TelegramChatId, Has("s", SlackUserId) ? null : SlackUserId);
        }

        /// <summary>This contact's addresses, with <paramref name="more"/> where it has none.</summary>
        public RowAddresses Fill(RowAddresses more) => Mobile is null && more.Mobile is not null
            ? this with { Mobile = more.Mobile, Network = more.Network, Email = Email ?? more.Email, TelegramChatId = TelegramChatId ?? more.TelegramChatId, SlackUserId = SlackUserId ?? more.SlackUserId }
            : this with { Email = Email ?? more.Email, TelegramChatId = TelegramChatId ?? more.TelegramChatId, SlackUserId = SlackUserId ?? more.SlackUserId };

        private static string? Key(string kind, string? value) => value is null ? null : kind + ":" + value;
    }

    private static DbCommand Prepare(DbConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
            Sql.Add(command, name);
        command.Prepare();
        return command;
    }

    // A file the product exported comes back as it was: the quote that kept a formula-like cell text is taken off.
    private static string? Field(CsvReader csv, int? column) =>
        column is { } i && csv.TryGetField<string>(i, out var value) && !string.IsNullOrWhiteSpace(value) ? CsvCells.Restore(value.Trim()) : null;

    private static string? Name(string? value) => value is null ? null : value.Length <= Contact.MaxNameLength ? value : value[..Contact.MaxNameLength];

    private static Dictionary<string, string>? CustomFields(CsvReader csv, ColumnMapping mapping)
    {
        Dictionary<string, string>? fields = null;
        foreach (var (column, key) in mapping.CustomFieldColumns.Take(ContactFields.MaxFields))
        {
            if (Field(csv, column) is not { } value)
                continue;
            fields ??= new Dictionary<string, string>(StringComparer.Ordinal);
            fields[key.Length <= ContactFields.MaxKeyLength ? key : key[..ContactFields.MaxKeyLength]] =
                value.Length <= ContactFields.MaxValueLength ? value : value[..ContactFields.MaxValueLength];
        }
        return fields;
    }

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";

    private sealed record ExistingContact(long Id, RowAddresses Addresses, string? FirstName, string? LastName, string? CustomFields)
    {
        public ExistingContact Merge(RowAddresses free, string? first, string? last, IReadOnlyDictionary<string, string>? fields)
        {
            var mergedFields = CustomFields;
            if (fields is { Count: > 0 })
            {
                var all = new Dictionary<string, string>(ContactFields.Parse(CustomFields));
                foreach (var (key, value) in fields)
                    all[key] = value;
                mergedFields = ContactFields.Serialize(all);
            }
            return this with { Addresses = Addresses.Fill(free), FirstName = first ?? FirstName, LastName = last ?? LastName, CustomFields = mergedFields };
        }
    }

    private sealed class CsvInput(CsvReader csv, StreamReader reader, IReadOnlyList<string> headers, char delimiter, CountingStream counting, long totalBytes) : IDisposable
    {
        public CsvReader Csv { get; } = csv;
        public IReadOnlyList<string> Headers { get; } = headers;
        public char Delimiter { get; } = delimiter;
        public long BytesRead => counting.BytesRead;
        public long TotalBytes => totalBytes > 0 ? totalBytes : counting.BytesRead;

        public void Dispose()
        {
            Csv.Dispose();
            reader.Dispose();
        }
    }
}
