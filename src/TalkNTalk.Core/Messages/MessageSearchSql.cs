using System.Data.Common;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Messages;

/// <summary>
/// The explorer's SQL that differs between the engines: the key that orders a campaign's messages (created at the same
/// time) and picks a page's rows, which index serves a filter, and how an address is found. SQLite keys by rowid, names
/// the index for each filter shape and finds addresses through its FTS5 trigram table <c>message_search</c>; PostgreSQL
/// has no rowid and keys by the id, leaves the index to its planner (it keeps statistics), and finds addresses with an
/// ILIKE its GIN trigram index <c>ix_messages_address_trgm</c> serves.
/// </summary>
internal abstract class MessageSearchSql
{
    public static MessageSearchSql For(DbConnection connection) => Sql.IsPostgres(connection) ? Postgres.Instance : Sqlite.Instance;

    /// <summary>The column after the creation time in the order; a page's rows are picked by it.</summary>
    public abstract string Key { get; }

    /// <summary>Newest (or oldest) first, the key keeping the order total so pages are consecutive slices of it.</summary>
    public string Order(bool oldestFirst) =>
        oldestFirst ? $"messages.CreatedAt, messages.{Key}" : $"messages.CreatedAt DESC, messages.{Key} DESC";

    /// <summary>The rows a filter without an address reads.</summary>
    public abstract string Rows(MessageFilter filter);

    /// <summary>
    /// Adds the condition that an address contains <paramref name="text"/>, in any case, through <paramref name="add"/>
    /// (clause, parameter, value); <paramref name="trigrams"/> is what a trigram table is asked for. Returns the rows to read.
    /// </summary>
    public abstract string FindAddress(Action<string, string, object> add, string text, string trigrams);

    private const string Messages = "messages";

    private sealed class Sqlite : MessageSearchSql
    {
        public static readonly Sqlite Instance = new();

        public override string Key => "rowid";

        public override string Rows(MessageFilter filter) => $"{Messages} INDEXED BY {IndexFor(filter)}";

        // Without statistics SQLite's planner guesses, and a wrong guess costs a hundredfold on a million rows (a campaign
        // paged through the organisation's index, say). Each filter shape names the index that serves it, in order.
        private static string IndexFor(MessageFilter filter) => filter switch
        {
            { CampaignId: not null } => "IX_messages_CampaignId_CreatedAt",
            { Network: null, Source: null, SenderId: null or "", Channel: null } when filter.Status is not null => "IX_messages_OrganisationId_Status_CreatedAt",
            { Status: null, Source: null, SenderId: null or "", Channel: null } when filter.Network is not null => "IX_messages_OrganisationId_Network_CreatedAt",
            { Network: null, Source: null, SenderId: null or "", Channel: null } => "IX_messages_OrganisationId_CreatedAt",
            _ => "IX_messages_Explorer",
        };

        // SQLite's LIKE ignores the case of ASCII letters, as the trigram tokenizer does.
        public override string FindAddress(Action<string, string, object> add, string text, string trigrams)
        {
            add("messages.Address LIKE @like ESCAPE '\\'", "@like", Like.Contains(text));
            if (trigrams.Length < 3)
                return Messages; // too short for trigrams, and matches most addresses anyway
            // The trigram index finds the few rows first; only those are read and checked against the other filters.
            add("message_search MATCH @address", "@address", $"\"{trigrams.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
            return "message_search CROSS JOIN messages ON messages.rowid = message_search.rowid";
        }
    }

    private sealed class Postgres : MessageSearchSql
    {
        public static readonly Postgres Instance = new();

        // Version 7 ids made in the same millisecond are in no particular order: the id only makes the order total.
        public override string Key => "Id";

        public override string Rows(MessageFilter filter) => Messages;

        // The trigram index serves LIKE and ILIKE alike and takes every trigram of the term (it passes over the common
        // ones); ILIKE ignores case as SQLite's LIKE does. Terms too short for a trigram leave the plan to the planner.
        public override string FindAddress(Action<string, string, object> add, string text, string trigrams)
        {
            add("messages.Address ILIKE @like ESCAPE '\\'", "@like", Like.Contains(text));
            return Messages;
        }
    }
}
