using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <summary>
    /// Origins on every channel: a sender ID belongs to a channel (existing ones are SMS) and is unique within it, may carry
    /// the provider's id for it and an encrypted secret, and an e-mail sender waits for its verification link. E-mail
    /// campaigns carry a subject. Webhook events exist for every channel: the endpoint's event bits are five a channel,
    /// in <see cref="Channels.Channel"/>'s order (SMS keeps 1, 2, 4, 8, 16, so existing endpoints stay subscribed to
    /// exactly what they were).
    /// </summary>
    public partial class Origins : Migration
    {
        /// <summary>
        /// As <see cref="WebhookEventsV2.StatusTrigger"/>, with the event named after the message's channel
        /// (<c>email.delivered</c>) and its bit shifted by five a channel.
        /// </summary>
        public const string StatusTrigger = """
            CREATE TRIGGER trg_messages_webhooks_status AFTER UPDATE OF Status ON messages
            WHEN NEW.Status <> OLD.Status AND NEW.Status IN ('Sent', 'Delivered', 'Undelivered', 'Failed', 'Blocked', 'Cancelled')
            BEGIN
                INSERT INTO webhook_deliveries (EndpointId, EventType, MessageId, MessageStatus, OccurredAt, Status, Attempts, NextAttemptAt)
                SELECT e.Id,
                    CASE NEW.Channel WHEN 'Sms' THEN 'sms.' WHEN 'WhatsApp' THEN 'whatsapp.' WHEN 'Telegram' THEN 'telegram.' WHEN 'Email' THEN 'email.' ELSE 'slack.' END
                    || CASE NEW.Status WHEN 'Sent' THEN 'sent' WHEN 'Delivered' THEN 'delivered' WHEN 'Undelivered' THEN 'undelivered'
                        WHEN 'Cancelled' THEN 'cancelled' ELSE 'failed' END,
                    NEW.Id, NEW.Status, NEW.UpdatedAt, 'Pending', 0, NULL
                FROM webhook_endpoints e
                WHERE e.OrganisationId = NEW.OrganisationId AND e.Enabled = 1
                  AND (e.Events & ((CASE NEW.Status WHEN 'Sent' THEN 1 WHEN 'Delivered' THEN 2 WHEN 'Undelivered' THEN 8 WHEN 'Cancelled' THEN 16 ELSE 4 END)
                      << (5 * CASE NEW.Channel WHEN 'Sms' THEN 0 WHEN 'WhatsApp' THEN 1 WHEN 'Telegram' THEN 2 WHEN 'Email' THEN 3 ELSE 4 END))) <> 0;
            END;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_messages_webhooks_status;");
            migrationBuilder.Sql(StatusTrigger);

            migrationBuilder.DropIndex(
                name: "IX_sender_ids_OrganisationId_NormalizedName",
                table: "sender_ids");

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "sender_ids",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Sms");

            migrationBuilder.AddColumn<string>(
                name: "ProviderRef",
                table: "sender_ids",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Secret",
                table: "sender_ids",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "VerificationSentAt",
                table: "sender_ids",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VerificationTokenHash",
                table: "sender_ids",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Subject",
                table: "campaigns",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_sender_ids_OrganisationId_Channel_NormalizedName",
                table: "sender_ids",
                columns: new[] { "OrganisationId", "Channel", "NormalizedName" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_messages_webhooks_status;");
            migrationBuilder.Sql(WebhookEventsV2.StatusTrigger);
            migrationBuilder.Sql("UPDATE webhook_endpoints SET Events = Events & 31;");
            // Before origins had channels a name was unique in the organisation, and only SMS sender IDs existed.
            migrationBuilder.Sql("DELETE FROM sender_ids WHERE Channel <> 'Sms';");

            migrationBuilder.DropIndex(
                name: "IX_sender_ids_OrganisationId_Channel_NormalizedName",
                table: "sender_ids");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "sender_ids");

            migrationBuilder.DropColumn(
                name: "ProviderRef",
                table: "sender_ids");

            migrationBuilder.DropColumn(
                name: "Secret",
                table: "sender_ids");

            migrationBuilder.DropColumn(
                name: "VerificationSentAt",
                table: "sender_ids");

            migrationBuilder.DropColumn(
                name: "VerificationTokenHash",
                table: "sender_ids");

            migrationBuilder.DropColumn(
                name: "Subject",
                table: "campaigns");

            migrationBuilder.CreateIndex(
                name: "IX_sender_ids_OrganisationId_NormalizedName",
                table: "sender_ids",
                columns: new[] { "OrganisationId", "NormalizedName" },
                unique: true);
        }
    }
}
