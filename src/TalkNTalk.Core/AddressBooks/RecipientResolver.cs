using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.AddressBooks;

/// <summary>One person to send to: the first contact row found for an address across the chosen books.</summary>
public sealed record Recipient(string Address, Network Network, string? FirstName, string? LastName, string? CustomFields);

/// <summary>
/// The unique, sendable addresses of a set of books on one channel, and what was left out: duplicates, opt-outs, and
/// contacts without an address on the channel.
/// </summary>
public sealed record ResolvedRecipients(IReadOnlyList<Recipient> Recipients, int ContactRows, int Duplicates, int OptedOut, int WithoutAddress = 0);

/// <summary>
/// Turns address books into recipients on a channel: unique active addresses across the books, leaving out any address
/// that is opted out of the channel anywhere in the organisation (an opt-out of the channel, or a contact opted out as a
/// whole in any book). Reads each book's active rows once through an index and de-duplicates in memory, which beats
/// SQL's GROUP BY with a per-row opt-out sub-query several times over.
/// </summary>
public sealed class RecipientResolver(IDbContextFactory<TalkNTalkDbContext> dbFactory)
{
    /// <summary>The unique sendable numbers of the books with their networks; names and custom fields only when asked
    /// for (personalised messages), since reading them costs a table look-up per contact.</summary>
    public async Task<ResolvedRecipients> ResolveAsync(Guid organisationId, IReadOnlyCollection<Guid> addressBookIds, bool withDetails = false,
        Channel channel = Channel.Sms, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var books = await CheckBooksAsync(db, organisationId, addressBookIds, ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var optedOut = await OptedOutAsync(connection, organisationId, channel, ct);
        var column = ContactAddressColumns.Of(channel);
        await SqlitePragmas.UseLargeCacheAsync(connection, ct);

        // Books in the order given, rows as the index yields them: the first row of a number wins.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var recipients = new List<Recipient>();
        int rows = 0, excluded = 0, without = 0;
        foreach (var book in books)
        {
            // The rows of the book without an address on the channel are counted, not read.
            await using var command = Command(connection, withDetails
                ? $"SELECT {column}, Network, FirstName, LastName, CustomFields FROM contacts WHERE AddressBookId = @book AND Status = 'Active' AND {column} IS NOT NULL"
                : $"SELECT {column}, Network, NULL, NULL, NULL FROM contacts WHERE AddressBookId = @book AND Status = 'Active' AND {column} IS NOT NULL", book);
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    rows++;
                    var address = reader.GetString(0);
                    if (optedOut.Contains(address))
                        excluded++;
                    else if (seen.Add(address))
                        recipients.Add(new Recipient(
                            address,
                            channel.UsesMobile() ? NetworkOf(reader.GetString(1)) : Network.None,
                            reader.IsDBNull(2) ? null : reader.GetString(2),
                            reader.IsDBNull(3) ? null : reader.GetString(3),
                            reader.IsDBNull(4) ? null : reader.GetString(4)));
                }
            }
            await using var optedOutRows = Command(connection, $"SELECT COUNT(*) FROM contacts WHERE AddressBookId = @book AND Status = 'OptedOut' AND {column} IS NOT NULL", book);
            var bookOptedOut = Convert.ToInt32(await optedOutRows.ExecuteScalarAsync(ct));
            await using var withoutRows = Command(connection, $"SELECT COUNT(*) FROM contacts WHERE AddressBookId = @book AND {column} IS NULL", book);
            var bookWithout = Convert.ToInt32(await withoutRows.ExecuteScalarAsync(ct));
            rows += bookOptedOut + bookWithout;
            excluded += bookOptedOut;
            without += bookWithout;
        }
        return new ResolvedRecipients(recipients, rows, rows - excluded - without - recipients.Count, excluded, without);
    }

    /// <summary>Just the number of unique sendable recipients on the channel, for a live count on the compose page.</summary>
    public async Task<int> CountAsync(Guid organisationId, IReadOnlyCollection<Guid> addressBookIds, Channel channel = Channel.Sms, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var books = await CheckBooksAsync(db, organisationId, addressBookIds, ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var optedOut = await OptedOutAsync(connection, organisationId, channel, ct);
        var column = ContactAddressColumns.Of(channel);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var book in books)
        {
            // For numbers, answered from the (book, status, mobile, network) index alone.
            await using var command = Command(connection, $"SELECT {column} FROM contacts WHERE AddressBookId = @book AND Status = 'Active' AND {column} IS NOT NULL", book);
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

    /// <summary>The addresses that receive nothing on the channel, anywhere in the organisation (pasted numbers are checked against it).</summary>
    public async Task<IReadOnlySet<string>> OptedOutAsync(Guid organisationId, Channel channel, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        return await OptedOutAsync(db.Database.GetDbConnection(), organisationId, channel, ct);
    }

    // Opt-outs are few next to contacts: two index range reads, then set look-ups instead of a sub-query per row.
    private static async Task<HashSet<string>> OptedOutAsync(DbConnection connection, Guid organisationId, Channel channel, CancellationToken ct)
    {
        var optedOut = new HashSet<string>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        var column = ContactAddressColumns.Of(channel);
        command.CommandText = $"SELECT DISTINCT {column} FROM contacts WHERE OrganisationId = @org AND Status = 'OptedOut' AND {column} IS NOT NULL "
            + "UNION SELECT Address FROM opt_outs WHERE OrganisationId = @org AND Channel = @channel";
        Sql.Add(command, "@org", organisationId);
        Sql.Add(command, "@channel", channel.ToString());
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
        Sql.Add(command, "@book", book);
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
