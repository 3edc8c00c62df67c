using System.Data.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Messages;

/// <summary>The SQL that (re)builds <c>message_stats</c> rows from the messages themselves.</summary>
internal static class MessageStatsSql
{
    public static string Rebuild(string messagesWhere) => $"""
        INSERT INTO message_stats (CampaignId, Status, Network, OrganisationId, CreatedAt, Channel, SenderId, Source, Messages, CostCents)
        SELECT CampaignId, Status, Network, MIN(OrganisationId), MIN(CreatedAt), MIN(Channel), MIN(SenderId), MIN(Source), COUNT(*), SUM(CAST(round(Cost * 100) AS INTEGER))
        FROM messages WHERE {messagesWhere} GROUP BY CampaignId, Status, Network;
        """;
}

/// <summary>
/// Adds a new campaign's messages to the explorer's counts and address search, in bulk and in the caller's
/// transaction. Every path that inserts messages calls it once per campaign after the inserts; status changes
/// afterwards are tracked by a trigger. Bulk statements cost a fraction of per-row triggers on the send path.
/// </summary>
public static class MessageIndex
{
    /// <summary>The highest rowid of messages so far: take it before inserting a campaign's messages, and pass it to
    /// <see cref="AddCampaignAsync"/>, which then reads the new rows as one contiguous range.</summary>
    public static async Task<long> LastRowIdAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(rowid), 0) FROM messages;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    public static async Task AddCampaignAsync(DbConnection connection, DbTransaction? transaction, Guid campaignId, long lastRowIdBefore, CancellationToken ct = default)
    {
        const string newRows = "rowid > @after AND CampaignId = @campaign";
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            DELETE FROM message_stats WHERE CampaignId = @campaign;
            {MessageStatsSql.Rebuild(newRows)}
            INSERT INTO message_search (rowid, Address) SELECT rowid, Address FROM messages WHERE {newRows};
            """;
        Sql.Add(command, "@campaign", campaignId);
        Sql.Add(command, "@after", lastRowIdBefore);
        await command.ExecuteNonQueryAsync(ct);
    }
}
