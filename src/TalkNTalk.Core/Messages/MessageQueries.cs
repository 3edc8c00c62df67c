using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Messages;

/// <summary>
/// Filters over an organisation's messages. <see cref="Address"/> is part of a recipient's address: digits search numbers
/// in any format ("0712…", "+254 712…"), anything with a letter searches e-mail addresses and member ids as typed, in any
/// case. <see cref="SenderId"/> matches case-insensitively; the created range is UTC, <see cref="CreatedFrom"/> inclusive and
/// <see cref="CreatedTo"/> exclusive.
/// </summary>
public sealed record MessageFilter(
    MessageStatus? Status = null,
    string? Address = null,
    string? SenderId = null,
    MessageSource? Source = null,
    Guid? CampaignId = null,
    Network? Network = null,
    DateTime? CreatedFrom = null,
    DateTime? CreatedTo = null,
    bool OldestFirst = false,
    Channel? Channel = null);

public sealed record MessageView(
    Guid Id, Guid CampaignId, Channel Channel, string Address, Network Network, string SenderId, string Body, int Segments, decimal Cost,
    MessageStatus Status, MessageSource Source, string? ErrorCode, string? ErrorDetail,
    DateTime? ScheduledAt, DateTime CreatedAt, DateTime UpdatedAt, DateTime? SentAt, DateTime? DeliveredAt,
    SmsEncoding Encoding, string? ProviderMessageId);

/// <summary>
/// Finds messages among millions: newest (or oldest) first, any combination of filters, for the API and the explorer.
/// Pages are picked from the covering explorer index before any row is read; totals come from <c>message_stats</c>
/// unless a number is searched, in which case the trigram index narrows the rows first. Plain SQL, because the
/// ordering by rowid and the FTS5 match are beyond what LINQ can say; what differs between the engines is in
/// <see cref="MessageSearchSql"/>.
/// </summary>
public sealed class MessageQueries(IDbContextFactory<TalkNTalkDbContext> dbFactory)
{
    public const int MaxPageSize = 500;

    private const string Columns = """
        Id, CampaignId, Channel, Address, Network, SenderId, Body, Segments, Cost, Status, Source, ErrorCode, ErrorDetail,
        ScheduledAt, CreatedAt, UpdatedAt, SentAt, DeliveredAt, Encoding, ProviderMessageId
        """;

    private static readonly string Qualified = string.Join(", ", Columns.Split(',').Select(c => "messages." + c.Trim()));

    public async Task<(IReadOnlyList<MessageView> Items, int Total)> SearchAsync(Guid organisationId, MessageFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await CheckCampaignAsync(db, organisationId, filter, ct);
        filter = await WithoutNeedlessChannelAsync(db, organisationId, filter, ct);
        var connection = await OpenAsync(db, ct);
        var sql = MessageSearchSql.For(connection);
        await using var command = connection.CreateCommand();
        if (Where(command, sql, organisationId, filter) is not var (from, where))
            return ([], 0);

        var total = await CountAsync(command, filter, from, where, ct);
        skip = Math.Max(0, skip);
        if (skip >= total)
            return ([], total);

        // The page's keys come from an index alone; only the rows shown are read.
        var order = sql.Order(filter.OldestFirst);
        command.CommandText = $"""
            SELECT {Columns} FROM messages
            WHERE {sql.Key} IN (SELECT messages.{sql.Key} FROM {from} WHERE {where} ORDER BY {order} LIMIT @take OFFSET @skip)
            ORDER BY {order};
            """;
        Sql.Add(command, "@take", Math.Clamp(take, 1, MaxPageSize));
        Sql.Add(command, "@skip", skip);
        return (await ReadAllAsync(command, ct), total);
    }

    /// <summary>How many messages match, without reading any of them.</summary>
    public async Task<int> CountAsync(Guid organisationId, MessageFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await CheckCampaignAsync(db, organisationId, filter, ct);
        filter = await WithoutNeedlessChannelAsync(db, organisationId, filter, ct);
        var connection = await OpenAsync(db, ct);
        await using var command = connection.CreateCommand();
        return Where(command, MessageSearchSql.For(connection), organisationId, filter) is var (from, where) ? await CountAsync(command, filter, from, where, ct) : 0;
    }

    /// <summary>The sender IDs the organisation's messages were sent from, for filter lists.</summary>
    public async Task<IReadOnlyList<string>> SenderIdsAsync(Guid organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MessageStats.Where(s => s.OrganisationId == organisationId).Select(s => s.SenderId).Distinct().OrderBy(s => s).ToListAsync(ct);
    }

    // Without a number, the totals of message_stats answer any combination of the other filters exactly.
    private static async Task<int> CountAsync(DbCommand command, MessageFilter filter, string from, string where, CancellationToken ct)
    {
        command.CommandText = string.IsNullOrWhiteSpace(filter.Address)
            ? $"SELECT COALESCE(SUM(Messages), 0) FROM message_stats WHERE {where};"
            : $"SELECT COUNT(*) FROM {from} WHERE {where};";
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct));
    }

    /// <summary>Every message matching the filter, streamed in order one row at a time (for CSV export).</summary>
    public async IAsyncEnumerable<MessageView> StreamAsync(Guid organisationId, MessageFilter filter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await CheckCampaignAsync(db, organisationId, filter, ct);
        filter = await WithoutNeedlessChannelAsync(db, organisationId, filter, ct);
        var connection = await OpenAsync(db, ct);
        var sql = MessageSearchSql.For(connection);
        await using var command = connection.CreateCommand();
        if (Where(command, sql, organisationId, filter) is not var (from, where))
            yield break;
        command.CommandText = $"SELECT {Qualified} FROM {from} WHERE {where} ORDER BY {sql.Order(filter.OldestFirst)};";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (reader.Read())
            yield return Read(reader);
    }

    /// <summary>The current state of the given messages (those of the organisation), to refresh a page in place.</summary>
    public async Task<IReadOnlyList<MessageView>> GetManyAsync(Guid organisationId, IReadOnlyCollection<Guid> ids, CancellationToken ct = default)
    {
        if (ids.Count == 0)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await OpenAsync(db, ct);
        await using var command = connection.CreateCommand();
        var names = ids.Take(MaxPageSize).Select((id, i) => Sql.Add(command, $"@id{i}", id).ParameterName);
        command.CommandText = $"SELECT {Columns} FROM messages WHERE Id IN ({string.Join(", ", names)}) AND OrganisationId = @org;";
        Sql.Add(command, "@org", organisationId);
        return await ReadAllAsync(command, ct);
    }

    public async Task<MessageView?> GetAsync(Guid organisationId, Guid id, CancellationToken ct = default) =>
        (await GetManyAsync(organisationId, [id], ct)).SingleOrDefault();

    // The rows to read and the condition over them. The condition's filter columns are shared with message_stats,
    // which answers totals when no number is searched. Null when nothing can match.
    private static (string From, string Where)? Where(DbCommand command, MessageSearchSql sql, Guid organisationId, MessageFilter filter)
    {
        var clauses = new List<string> { "OrganisationId = @org" };
        Sql.Add(command, "@org", organisationId);
        void Add(string clause, string name, object value)
        {
            clauses.Add(clause);
            Sql.Add(command, name, value);
        }

        if (filter.Status is { } status)
            Add("Status = @status", "@status", status.ToString());
        if (filter.Network is { } network)
            Add("Network = @network", "@network", network.ToString());
        if (filter.Channel is { } channel)
            Add("Channel = @channel", "@channel", channel.ToString());
        if (filter.Source is { } source)
            Add("Source = @source", "@source", source.ToString());
        if (filter.CampaignId is { } campaign)
            Add("CampaignId = @campaign", "@campaign", campaign);
        if (filter.CreatedFrom is { } from)
            Add("CreatedAt >= @from", "@from", from);
        if (filter.CreatedTo is { } to)
            Add("CreatedAt < @to", "@to", to);
        if (!string.IsNullOrWhiteSpace(filter.SenderId))
        {
            // Stored as registered; the spellings in use come from the small stats table, so the index still serves.
            Add("SenderId IN (SELECT DISTINCT SenderId FROM message_stats WHERE OrganisationId = @org AND upper(SenderId) = @sender)",
                "@sender", filter.SenderId.Trim().ToUpperInvariant());
        }
        if (string.IsNullOrWhiteSpace(filter.Address))
            return (sql.Rows(filter), string.Join(" AND ", clauses));

        if (SearchTerm(filter) is not { } term)
            return null;
        var rows = sql.FindAddress(Add, term.Text, term.Trigrams);
        return (rows, string.Join(" AND ", clauses));
    }

    // What LIKE confirms and what the trigram index is asked for; null when nothing can match.
    private static (string Text, string Trigrams)? SearchTerm(MessageFilter filter)
    {
        var typed = filter.Address!.Trim();
        var looksLikeNumber = !typed.Any(char.IsLetter) && !typed.Contains('@');
        var mobilesOnly = filter.Channel is { } channel && channel.UsesMobile();
        if (looksLikeNumber && (filter.Channel is null || mobilesOnly))
        {
            if (PhoneNumber.DigitsForSearch(typed) is not { } digits)
                return null;
            // Every stored number starts 254, so the trigrams "254" and "547" match nearly every row: search from the "4"
            // on ("0712" searches "4712", whose trigrams are selective), and let LIKE confirm the whole.
            return (digits, digits.StartsWith(PhoneNumber.CountryCode, StringComparison.Ordinal) && digits.Length >= 6 ? digits[2..] : digits);
        }

        // Letters never match a number: an empty result, not an error.
        if (mobilesOnly)
            return null;
        var text = typed.ToLowerInvariant();
        return (text, text);
    }

    // A channel every message of the organisation is on would cost the index that serves the rest of the filter (fetch
    // messages always asks for SMS): without messages of another channel, the condition is left out.
    private static async Task<MessageFilter> WithoutNeedlessChannelAsync(TalkNTalkDbContext db, Guid organisationId, MessageFilter filter, CancellationToken ct) =>
        filter.Channel is { } channel && !await db.MessageStats.AnyAsync(s => s.OrganisationId == organisationId && s.Channel != channel, ct)
            ? filter with { Channel = null }
            : filter;

    private static async Task CheckCampaignAsync(TalkNTalkDbContext db, Guid organisationId, MessageFilter filter, CancellationToken ct)
    {
        if (filter.CampaignId is { } campaign && !await db.Campaigns.AnyAsync(c => c.OrganisationId == organisationId && c.Id == campaign, ct))
            throw DomainException.NotFound("Campaign");
    }

    private static async Task<DbConnection> OpenAsync(TalkNTalkDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return db.Database.GetDbConnection();
    }

    private static async Task<List<MessageView>> ReadAllAsync(DbCommand command, CancellationToken ct)
    {
        var rows = new List<MessageView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (reader.Read())
            rows.Add(Read(reader));
        return rows;
    }

    private static MessageView Read(DbDataReader r) => new(
        Sql.ReadGuid(r, 0), Sql.ReadGuid(r, 1), Enum.Parse<Channel>(r.GetString(2)), r.GetString(3), Enum.Parse<Network>(r.GetString(4)),
        r.GetString(5), r.GetString(6), r.GetInt32(7), Sql.ReadDecimal(r, 8), Enum.Parse<MessageStatus>(r.GetString(9)),
        Enum.Parse<MessageSource>(r.GetString(10)), Text(r, 11), Text(r, 12), Time(r, 13), Time(r, 14)!.Value, Time(r, 15)!.Value, Time(r, 16), Time(r, 17),
        Enum.Parse<SmsEncoding>(r.GetString(18)), Text(r, 19));

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTime? Time(DbDataReader r, int i) => Sql.ReadNullableTime(r, i);
}
