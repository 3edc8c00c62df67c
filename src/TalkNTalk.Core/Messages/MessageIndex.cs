using System.Data.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Messages;

/// <summary>
/// The SQL that writes a new campaign's <c>message_stats</c> rows and address search entries from its messages, on each
/// engine. SQLite reads the new rows as one rowid range and feeds its FTS5 table; PostgreSQL has no rowid, finds them by
/// campaign (a campaign's messages are inserted at once), and its trigram index on the address keeps itself.
/// </summary>
internal abstract class MessageIndexSql
{
    public static MessageIndexSql For(DbConnection connection) => Sql.IsPostgres(connection) ? Postgres.Instance : Sqlite.Instance;

    /// <summary>The highest rowid so far, or null where the new rows are found without one.</summary>
    public abstract string? LastRowId { get; }

    /// <summary>Replaces the campaign's stats rows (<c>@campaign</c>) with those of its rows after <c>@after</c>, and indexes their addresses.</summary>
    public abstract string AddCampaign { get; }

    private sealed class Sqlite : MessageIndexSql
    {
        public static readonly Sqlite Instance = new();
        private const string NewRows = "rowid > @after AND CampaignId = @campaign";

        public override string LastRowId => "SELECT COALESCE(MAX(rowid), 0) FROM messages;";

        public override string AddCampaign => $"""
            DELETE FROM message_stats WHERE CampaignId = @campaign;
            INSERT INTO message_stats (CampaignId, Status, Network, OrganisationId, CreatedAt, Channel, SenderId, Source, Messages, CostCents)
            SELECT CampaignId, Status, Network, MIN(OrganisationId), MIN(CreatedAt), MIN(Channel), MIN(SenderId), MIN(Source), COUNT(*), SUM(CAST(round(Cost * 100) AS INTEGER))
            FROM messages WHERE {NewRows} GROUP BY CampaignId, Status, Network;
            INSERT INTO message_search (rowid, Address) SELECT rowid, Address FROM messages WHERE {NewRows};
            """;
    }

    private sealed class Postgres : MessageIndexSql
    {
        public static readonly Postgres Instance = new();

        public override string? LastRowId => null;

        // uuid has no MIN: the organisation, shared by the campaign's messages, is grouped by instead.
        public override string AddCampaign => """
            DELETE FROM message_stats WHERE CampaignId = @campaign;
            INSERT INTO message_stats (CampaignId, Status, Network, OrganisationId, CreatedAt, Channel, SenderId, Source, Messages, CostCents)
            SELECT CampaignId, Status, Network, OrganisationId, MIN(CreatedAt), MIN(Channel), MIN(SenderId), MIN(Source), COUNT(*), SUM(round(Cost * 100)::bigint)
            FROM messages WHERE CampaignId = @campaign GROUP BY CampaignId, Status, Network, OrganisationId;
            """;
    }
}

/// <summary>
/// Adds a new campaign's messages to the explorer's counts and address search, in bulk and in the caller's
/// transaction. Every path that inserts messages calls it once per campaign after the inserts; status changes
/// afterwards are tracked by a trigger. Bulk statements cost a fraction of per-row triggers on the send path.
/// </summary>
public static class MessageIndex
{
    /// <summary>The highest rowid of messages so far: take it before inserting a campaign's messages, and pass it to
    /// <see cref="AddCampaignAsync"/>, which then reads the new rows as one contiguous range. PostgreSQL has no rowid:
    /// there it is 0, read without a query, and the new rows are found by their campaign.</summary>
    public static async Task<long> LastRowIdAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct = default)
    {
        if (MessageIndexSql.For(connection).LastRowId is not { } sql)
            return 0;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    public static async Task AddCampaignAsync(DbConnection connection, DbTransaction? transaction, Guid campaignId, long lastRowIdBefore, CancellationToken ct = default)
    {
        await using var command = Sql.Command(connection, MessageIndexSql.For(connection).AddCampaign);
        command.Transaction = transaction;
        Sql.Set(command, "@campaign", campaignId);
        if (command.Parameters.Contains("@after"))
            Sql.Set(command, "@after", lastRowIdBefore);
        await command.ExecuteNonQueryAsync(ct);
    }
}
