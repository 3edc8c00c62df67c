using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace TalkNTalk.Core.Data.Migrations;

/// <summary>Campaigns and their messages. Written by hand; <c>MigrationDriftTests</c> keeps it equal to the model.</summary>
[DbContext(typeof(TalkNTalkDbContext))]
[Migration("20261125030000_Campaigns")]
public sealed class Campaigns : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "campaigns",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                Message = table.Column<string>(type: "TEXT", nullable: false),
                SenderId = table.Column<string>(type: "TEXT", maxLength: 11, nullable: false),
                SenderCategory = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Source = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                AddressBookIds = table.Column<string>(type: "TEXT", nullable: true),
                RecipientsCount = table.Column<int>(type: "INTEGER", nullable: false),
                SentCount = table.Column<int>(type: "INTEGER", nullable: false),
                DeliveredCount = table.Column<int>(type: "INTEGER", nullable: false),
                FailedCount = table.Column<int>(type: "INTEGER", nullable: false),
                EstimatedCost = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                ActualCost = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ScheduledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_campaigns", x => x.Id);
                table.ForeignKey(
                    name: "FK_campaigns_organisations_OrganisationId",
                    column: x => x.OrganisationId,
                    principalTable: "organisations",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "messages",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                CampaignId = table.Column<Guid>(type: "TEXT", nullable: false),
                Mobile = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                Network = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                SenderId = table.Column<string>(type: "TEXT", maxLength: 11, nullable: false),
                Body = table.Column<string>(type: "TEXT", nullable: false),
                Segments = table.Column<int>(type: "INTEGER", nullable: false),
                Encoding = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                Cost = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Source = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                ProviderMessageId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                ErrorCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                ErrorDetail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                ScheduledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                ClaimedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                DeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_messages", x => x.Id);
                table.ForeignKey(
                    name: "FK_messages_campaigns_CampaignId",
                    column: x => x.CampaignId,
                    principalTable: "campaigns",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(name: "IX_campaigns_OrganisationId_CreatedAt", table: "campaigns", columns: ["OrganisationId", "CreatedAt"]);
        migrationBuilder.CreateIndex(name: "IX_campaigns_Status_ScheduledAt", table: "campaigns", columns: ["Status", "ScheduledAt"]);
        migrationBuilder.CreateIndex(name: "IX_messages_CampaignId_Status", table: "messages", columns: ["CampaignId", "Status"]);
        migrationBuilder.CreateIndex(name: "IX_messages_OrganisationId_CreatedAt", table: "messages", columns: ["OrganisationId", "CreatedAt"]);
        migrationBuilder.CreateIndex(name: "IX_messages_OrganisationId_Mobile", table: "messages", columns: ["OrganisationId", "Mobile"]);
        migrationBuilder.CreateIndex(name: "IX_messages_OrganisationId_SenderId_CreatedAt", table: "messages", columns: ["OrganisationId", "SenderId", "CreatedAt"]);
        migrationBuilder.CreateIndex(name: "IX_messages_OrganisationId_Status_CreatedAt", table: "messages", columns: ["OrganisationId", "Status", "CreatedAt"]);
        migrationBuilder.CreateIndex(name: "IX_messages_ProviderMessageId", table: "messages", column: "ProviderMessageId");
        migrationBuilder.CreateIndex(name: "IX_messages_Status_ScheduledAt", table: "messages", columns: ["Status", "ScheduledAt"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "messages");
        migrationBuilder.DropTable(name: "campaigns");
    }
}
