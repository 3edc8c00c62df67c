using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace TalkNTalk.Core.Data.Migrations;

/// <summary>
/// Webhook endpoints and their outbox, plus the trigger that fills the outbox in the same transaction as a message's
/// status change. Written by hand; <c>MigrationDriftTests</c> keeps the tables equal to the model (a trigger is not
/// part of the model: <c>WebhookOutboxTests</c> checks it).
/// </summary>
[DbContext(typeof(TalkNTalkDbContext))]
[Migration("20261125060000_Webhooks")]
public sealed class Webhooks : Migration
{
    /// <summary>
    /// One outbox row per enabled endpoint of the message's organisation that subscribes to the event (bits: 1 sent,
    /// 2 delivered, 4 failed). Rows stay small (the payload's other fields are read from the message when it is sent)
    /// and enter no index: the worker finds new rows by id. The time comes from the message's <c>UpdatedAt</c>, which
    /// the dispatcher sets from its clock. With no endpoints the cost is one index look-up per status change.
    /// </summary>
    public const string StatusTrigger = """
        CREATE TRIGGER trg_messages_webhooks_status AFTER UPDATE OF Status ON messages
        WHEN NEW.Status <> OLD.Status AND NEW.Status IN ('Sent', 'Delivered', 'Undelivered', 'Failed', 'Blocked')
        BEGIN
            INSERT INTO webhook_deliveries (EndpointId, EventType, MessageId, MessageStatus, OccurredAt, Status, Attempts, NextAttemptAt)
            SELECT e.Id, CASE NEW.Status WHEN 'Sent' THEN 'sms.sent' WHEN 'Delivered' THEN 'sms.delivered' ELSE 'sms.failed' END,
                NEW.Id, NEW.Status, NEW.UpdatedAt, 'Pending', 0, NULL
            FROM webhook_endpoints e
            WHERE e.OrganisationId = NEW.OrganisationId AND e.Enabled = 1
              AND (e.Events & CASE NEW.Status WHEN 'Sent' THEN 1 WHEN 'Delivered' THEN 2 ELSE 4 END) <> 0;
        END;
        """;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "webhook_endpoints",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                Description = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                Events = table.Column<int>(type: "INTEGER", nullable: false),
                Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                ProtectedSecret = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                SecretHint = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                PreviousProtectedSecret = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                PreviousSecretExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                ConsecutiveFailures = table.Column<int>(type: "INTEGER", nullable: false),
                DisabledReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                DisabledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_webhook_endpoints", x => x.Id);
                table.ForeignKey(
                    name: "FK_webhook_endpoints_organisations_OrganisationId",
                    column: x => x.OrganisationId,
                    principalTable: "organisations",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "webhook_deliveries",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false),
                EndpointId = table.Column<Guid>(type: "TEXT", nullable: false),
                EventType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                MessageId = table.Column<Guid>(type: "TEXT", nullable: true),
                MessageStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                LastAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                ResponseStatus = table.Column<int>(type: "INTEGER", nullable: true),
                ResponseMs = table.Column<int>(type: "INTEGER", nullable: true),
                LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_webhook_deliveries", x => x.Id));

        migrationBuilder.CreateIndex(name: "IX_webhook_endpoints_OrganisationId", table: "webhook_endpoints", column: "OrganisationId");
        migrationBuilder.CreateIndex(name: "IX_webhook_deliveries_NextAttemptAt", table: "webhook_deliveries", column: "NextAttemptAt", filter: "\"NextAttemptAt\" IS NOT NULL");
        migrationBuilder.Sql(StatusTrigger);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_messages_webhooks_status;");
        migrationBuilder.DropTable(name: "webhook_deliveries");
        migrationBuilder.DropTable(name: "webhook_endpoints");
    }
}
