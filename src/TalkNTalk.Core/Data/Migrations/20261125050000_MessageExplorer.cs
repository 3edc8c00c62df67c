using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace TalkNTalk.Core.Data.Migrations;

/// <summary>
/// What the message explorer and the overview read instead of scanning messages: per-campaign counts kept exact by
/// triggers, a trigram index over mobile numbers for partial search, and a covering index for filtered paging.
/// Written by hand; <c>MigrationDriftTests</c> keeps the tables and indexes equal to the model. The triggers and the
/// FTS5 table are SQLite's own and exist only here (listed in <see cref="SqliteObjects"/> for the drift test).
/// </summary>
[DbContext(typeof(TalkNTalkDbContext))]
[Migration("20261125050000_MessageExplorer")]
public sealed class MessageExplorer : Migration
{
    /// <summary>The raw SQLite objects this migration creates, which a model-built database does not have.</summary>
    public static readonly IReadOnlyList<string> SqliteObjects =
        ["message_search", "trg_messages_stats_update", "trg_messages_search_delete"];

    /// <summary>The trigram index of the numbers as this migration made it (the <c>Channels</c> migration indexes addresses).</summary>
    public static readonly IReadOnlyList<string> SearchIndex =
    [
        "CREATE VIRTUAL TABLE message_search USING fts5(Mobile, content='messages', content_rowid='rowid', tokenize='trigram');",
        "INSERT INTO message_search (message_search) VALUES ('rebuild');",
        """
        CREATE TRIGGER trg_messages_search_delete AFTER DELETE ON messages BEGIN
            INSERT INTO message_search (message_search, rowid, Mobile) VALUES ('delete', OLD.rowid, OLD.Mobile);
        END;
        """,
    ];

    /// <summary>The stats trigger as this migration made it (the <c>Channels</c> migration copies the channel too).</summary>
    public const string StatsTrigger = """
        CREATE TRIGGER trg_messages_stats_update AFTER UPDATE OF Status ON messages WHEN NEW.Status <> OLD.Status BEGIN
            UPDATE message_stats SET Messages = Messages - 1, CostCents = CostCents - CAST(round(OLD.Cost * 100) AS INTEGER)
            WHERE CampaignId = OLD.CampaignId AND Status = OLD.Status AND Network = OLD.Network;
            INSERT INTO message_stats (CampaignId, Status, Network, OrganisationId, CreatedAt, SenderId, Source, Messages, CostCents)
            VALUES (NEW.CampaignId, NEW.Status, NEW.Network, NEW.OrganisationId, NEW.CreatedAt, NEW.SenderId, NEW.Source, 1, CAST(round(NEW.Cost * 100) AS INTEGER))
            ON CONFLICT (CampaignId, Status, Network) DO UPDATE SET Messages = Messages + 1, CostCents = CostCents + excluded.CostCents;
        END;
        """;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "message_stats",
            columns: table => new
            {
                CampaignId = table.Column<Guid>(type: "TEXT", nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Network = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                SenderId = table.Column<string>(type: "TEXT", maxLength: 11, nullable: false),
                Source = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                Messages = table.Column<int>(type: "INTEGER", nullable: false),
                CostCents = table.Column<long>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_message_stats", x => new { x.CampaignId, x.Status, x.Network }));
        migrationBuilder.CreateIndex(name: "IX_message_stats_OrganisationId_CreatedAt", table: "message_stats", columns: ["OrganisationId", "CreatedAt"]);

        migrationBuilder.CreateIndex(name: "IX_messages_Explorer", table: "messages",
            columns: ["OrganisationId", "CreatedAt", "Status", "Network", "Source", "SenderId"]);
        migrationBuilder.DropIndex(name: "IX_messages_OrganisationId_Mobile", table: "messages");
        migrationBuilder.DropIndex(name: "IX_messages_OrganisationId_SenderId_CreatedAt", table: "messages");
        migrationBuilder.CreateIndex(name: "IX_messages_CampaignId_CreatedAt", table: "messages", columns: ["CampaignId", "CreatedAt"]);
        migrationBuilder.CreateIndex(name: "IX_messages_OrganisationId_Network_CreatedAt", table: "messages", columns: ["OrganisationId", "Network", "CreatedAt"]);

        // Trigrams of each number, so a partial number finds its messages without reading every row. The index reads
        // numbers from messages itself (external content) and stores only the trigrams. New campaigns are indexed in
        // bulk by MessageIndex; numbers never change, and messages are deleted only with their organisation.
        foreach (var statement in SearchIndex)
            migrationBuilder.Sql(statement);

        // Existing messages, then a trigger that moves a message between its campaign's rows when its status changes,
        // in the same statement (so the same transaction) as the change. Cost is decimal text; cents keep sums exact.
        migrationBuilder.Sql("""
            INSERT INTO message_stats (CampaignId, Status, Network, OrganisationId, CreatedAt, SenderId, Source, Messages, CostCents)
            SELECT CampaignId, Status, Network, MIN(OrganisationId), MIN(CreatedAt), MIN(SenderId), MIN(Source), COUNT(*), SUM(CAST(round(Cost * 100) AS INTEGER))
            FROM messages GROUP BY CampaignId, Status, Network;
            """);
        migrationBuilder.Sql(StatsTrigger);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_messages_stats_update;");
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_messages_search_delete;");
        migrationBuilder.Sql("DROP TABLE IF EXISTS message_search;");
        migrationBuilder.DropIndex(name: "IX_messages_OrganisationId_Network_CreatedAt", table: "messages");
        migrationBuilder.DropIndex(name: "IX_messages_CampaignId_CreatedAt", table: "messages");
        migrationBuilder.DropIndex(name: "IX_messages_Explorer", table: "messages");
        migrationBuilder.CreateIndex(name: "IX_messages_OrganisationId_Mobile", table: "messages", columns: ["OrganisationId", "Mobile"]);
        migrationBuilder.CreateIndex(name: "IX_messages_OrganisationId_SenderId_CreatedAt", table: "messages", columns: ["OrganisationId", "SenderId", "CreatedAt"]);
        migrationBuilder.DropTable(name: "message_stats");
    }
}
