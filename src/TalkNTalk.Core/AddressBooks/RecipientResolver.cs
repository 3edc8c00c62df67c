using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.AddressBooks;

/// <summary>One person to send to: the first contact row found for a number across the chosen books.</summary>
public sealed record Recipient(string Mobile, Network Network, string? FirstName, string? LastName, string? CustomFields);

/// <summary>The unique, sendable numbers of a set of books, and what was left out.</summary>
public sealed record ResolvedRecipients(IReadOnlyList<Recipient> Recipients, int ContactRows, int Duplicates, int OptedOut);

/// <summary>
/// Turns address books into recipients: unique active numbers across the books, leaving out any number that is
/// opted out in any book of the organisation. Reads each book's active rows once through an index and
/// de-duplicates in memory, which beats SQL's GROUP BY with a per-row opt-out sub-query several times over.
/// </summary>
public sealed class RecipientResolver(IDbContextFactory<TalkNTalkDbContext> dbFactory)
{
    /// <summary>The unique sendable numbers of the books with their networks; names and custom fields only when asked
    /// for (personalised messages), since reading them costs a table look-up per contact.</summary>
    public async Task<ResolvedRecipients> ResolveAsync(Guid organisationId, IReadOnlyCollection<Guid> addressBookIds, bool withDetails = false, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var books = await CheckBooksAsync(db, organisationId, addressBookIds, ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var optedOut = await OptedOutAsync(connection, organisationId, ct);
        await using (var cache = connection.CreateCommand())
        {
            cache.CommandText = "PRAGMA cache_size = -65536";
            await cache.ExecuteNonQueryAsync(ct);
        }

        // Books in the order given, rows as the index yields them: the first row of a number wins.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var recipients = new List<Recipient>();
        int rows = 0, excluded = 0;
        foreach (var book in books)
        {
            await using var command = Command(connection, withDetails
                ? "SELECT Mobile, Network, FirstName, LastName, CustomFields FROM contacts WHERE AddressBookId = $book AND Status = 'Active'"
                : "SELECT Mobile, Network, NULL, NULL, NULL FROM contacts WHERE AddressBookId = $book AND Status = 'Active'", book);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows++;
                var mobile = reader.GetString(0);
                if (optedOut.Contains(mobile))
                    excluded++;
                else if (seen.Add(mobile))
                    recipients.Add(new Recipient(
                        mobile,
                        NetworkOf(reader.GetString(1)),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
            await using var optedOutRows = Command(connection, "SELECT COUNT(*) FROM contacts WHERE AddressBookId = $book AND Status = 'OptedOut'", book);
            var bookOptedOut = Convert.ToInt32(await optedOutRows.ExecuteScalarAsync(ct));
            rows += bookOptedOut;
            excluded += bookOptedOut;
        }
        return new ResolvedRecipients(recipients, rows, rows - excluded - recipients.Count, excluded);
    }

    /// <summary>Just the number of unique sendable recipients, for a live count on the compose page.</summary>
    public async Task<int> CountAsync(Guid organisationId, IReadOnlyCollection<Guid> addressBookIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var books = await CheckBooksAsync(db, organisationId, addressBookIds, ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var optedOut = await OptedOutAsync(connection, organisationId, ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var book in books)
        {
            // Answered from the (book, status, mobile, network) index alone.
            await using var command = Command(connection, "SELECT Mobile FROM contacts WHERE AddressBookId = $book AND Status = 'Active'", book);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var mobile = reader.GetString(0);
                if (!optedOut.Contains(mobile))
                    seen.Add(mobile);
            }
        }
        return seen.Count;
    }

    // Opt-outs are few next to contacts: one index range read, then set look-ups instead of a sub-query per row.
    private static async Task<HashSet<string>> OptedOutAsync(DbConnection connection, Guid organisationId, CancellationToken ct)
    {
        var optedOut = new HashSet<string>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT Mobile FROM contacts WHERE OrganisationId = $org AND Status = 'OptedOut'";
        Sql.Add(command, "$org", Sql.Text(organisationId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            optedOut.Add(reader.GetString(0));
        return optedOut;
    }

    // Stored as the enum's name; a switch beats Enum.TryParse on a hot path of hundreds of thousands of rows.
    private static Network NetworkOf(string stored) => stored switch
    {
        nameof(Network.Safaricom) => Network.Safaricom,
        nameof(Network.Airtel) => Network.Airtel,
        nameof(Network.Telkom) => Network.Telkom,
        _ => Network.Unknown,
    };

    private static DbCommand Command(DbConnection connection, string sql, Guid book)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        Sql.Add(command, "$book", Sql.Text(book));
        return command;
    }

    // Every id must be one of the organisation's books; an unknown one is "not found", whoever owns it.
    private static async Task<List<Guid>> CheckBooksAsync(TalkNTalkDbContext db, Guid organisationId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var distinct = ids.Distinct().ToList();
        if (distinct.Count == 0)
            throw DomainException.Validation("addressBooks", "Choose at least one address book.");
        var found = await db.AddressBooks.Where(b => b.OrganisationId == organisationId && distinct.Contains(b.Id)).Select(b => b.Id).ToListAsync(ct);
        if (found.Count != distinct.Count)
            throw DomainException.NotFound("Address book");
        // In the order chosen, not the database's: a number in several books takes its name from the first one.
        return distinct;
    }

}
