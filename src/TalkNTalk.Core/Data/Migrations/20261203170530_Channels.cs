using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <summary>
    /// The channel on campaigns, messages and their stats (every existing row is SMS), and a message's recipient as an
    /// address on its channel: <c>messages.Mobile</c> becomes <c>messages.Address</c>, renamed in place. Generated, then
    /// written out by hand: EF would drop and re-add the column (losing every number) and rebuild the table for a drop
    /// (losing its triggers), so the SQL here only renames and adds columns. The trigram index reads its column from
    /// messages by name, so it is made again over <c>Address</c>, and the stats trigger copies the channel.
    /// </summary>
    public partial class Channels : Migration
    {
        /// <summary>The trigram index of every recipient address: numbers, e-mail addresses, chat and member ids.</summary>
        public static readonly IReadOnlyList<string> SearchIndex =
        [
            "CREATE VIRTUAL TABLE message_search USING fts5(Address, content='messages', content_rowid='rowid', tokenize='trigram');",
            "INSERT INTO message_search (message_search) VALUES ('rebuild');",
            """
            CREATE TRIGGER trg_messages_search_delete AFTER DELETE ON messages BEGIN
                INSERT INTO message_search (message_search, rowid, Address) VALUES ('delete', OLD.rowid, OLD.Address);
            END;
            """,
        ];

        /// <summary>As <see cref="MessageExplorer.StatsTrigger"/>, with the campaign's channel copied like its sender ID.</summary>
        public const string StatsTrigger = """
            CREATE TRIGGER trg_messages_stats_update AFTER UPDATE OF Status ON messages WHEN NEW.Status <> OLD.Status BEGIN
                UPDATE message_stats SET Messages = Messages - 1, CostCents = CostCents - CAST(round(OLD.Cost * 100) AS INTEGER)
                WHERE CampaignId = OLD.CampaignId AND Status = OLD.Status AND Network = OLD.Network;
                INSERT INTO message_stats (CampaignId, Status, Network, OrganisationId, CreatedAt, Channel, SenderId, Source, Messages, CostCents)
                VALUES (NEW.CampaignId, NEW.Status, NEW.Network, NEW.OrganisationId, NEW.CreatedAt, NEW.Channel, NEW.SenderId, NEW.Source, 1, CAST(round(NEW.Cost * 100) AS INTEGER))
                ON CONFLICT (CampaignId, Status, Network) DO UPDATE SET Messages = Messages + 1, CostCents = CostCents + excluded.CostCents;
            END;
            """;

        private static readonly string[] DropSearchAndStats =
        [
            "DROP TRIGGER IF EXISTS trg_messages_stats_update;",
            "DROP TRIGGER IF EXISTS trg_messages_search_delete;",
            "DROP TABLE IF EXISTS message_search;",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in DropSearchAndStats)
                migrationBuilder.Sql(statement);
            migrationBuilder.DropIndex(name: "IX_messages_Explorer", table: "messages");

            migrationBuilder.RenameColumn(name: "Mobile", table: "messages", newName: "Address");
            foreach (var table in new[] { "messages", "message_stats", "campaigns" })
                migrationBuilder.AddColumn<string>(name: "Channel", table: table, type: "TEXT", maxLength: 16, nullable: false, defaultValue: "Sms");

            migrationBuilder.CreateIndex(name: "IX_messages_Explorer", table: "messages",
                columns: ["OrganisationId", "CreatedAt", "Status", "Network", "Source", "SenderId", "Channel"]);
            foreach (var statement in SearchIndex)
                migrationBuilder.Sql(statement);
            migrationBuilder.Sql(StatsTrigger);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The release before sends every message as SMS: another channel's campaigns go with their messages and
            // counts, rather than an e-mail address reaching an SMS gateway. Their outbox rows stay (the worker's ids must
            // only grow) but are finished, so none is sent about a message that is gone.
            migrationBuilder.Sql("UPDATE webhook_deliveries SET Status = 'Failed', NextAttemptAt = NULL WHERE MessageId IN (SELECT Id FROM messages WHERE Channel <> 'Sms');");
            migrationBuilder.Sql("DELETE FROM message_stats WHERE Channel <> 'Sms';");
            migrationBuilder.Sql("DELETE FROM messages WHERE Channel <> 'Sms';");
            migrationBuilder.Sql("DELETE FROM campaigns WHERE Channel <> 'Sms';");
            foreach (var statement in DropSearchAndStats)
                migrationBuilder.Sql(statement);
            migrationBuilder.DropIndex(name: "IX_messages_Explorer", table: "messages");

            // SQLite drops a column in place once nothing refers to it; EF's table rebuild would lose the triggers.
            foreach (var table in new[] { "messages", "message_stats", "campaigns" })
                migrationBuilder.Sql($"ALTER TABLE {table} DROP COLUMN Channel;");
            migrationBuilder.RenameColumn(name: "Address", table: "messages", newName: "Mobile");

            migrationBuilder.CreateIndex(name: "IX_messages_Explorer", table: "messages",
                columns: ["OrganisationId", "CreatedAt", "Status", "Network", "Source", "SenderId"]);
            foreach (var statement in MessageExplorer.SearchIndex)
                migrationBuilder.Sql(statement);
            migrationBuilder.Sql(MessageExplorer.StatsTrigger);
        }
    }
}
