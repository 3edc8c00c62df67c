using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <summary>
    /// TalkNTalk's event set: <c>sms.undelivered</c> (until now sent as <c>sms.failed</c>) and <c>sms.cancelled</c> (until
    /// now nothing). No model change: the trigger is raw SQL, and the endpoints' event bits gain two values.
    /// </summary>
    public partial class WebhookEventsV2 : Migration
    {
        /// <summary>
        /// One outbox row per enabled endpoint of the message's organisation that subscribes to the event (bits: 1 sent,
        /// 2 delivered, 4 failed (and blocked), 8 undelivered, 16 cancelled). As before (<see cref="Webhooks.StatusTrigger"/>):
        /// rows stay small, enter no index, take their time from the message's <c>UpdatedAt</c>, and a status change costs
        /// one index look-up when no endpoint subscribes. A cancel's bulk update runs it once per message.
        /// </summary>
        public const string StatusTrigger = """
            CREATE TRIGGER trg_messages_webhooks_status AFTER UPDATE OF Status ON messages
            WHEN NEW.Status <> OLD.Status AND NEW.Status IN ('Sent', 'Delivered', 'Undelivered', 'Failed', 'Blocked', 'Cancelled')
            BEGIN
                INSERT INTO webhook_deliveries (EndpointId, EventType, MessageId, MessageStatus, OccurredAt, Status, Attempts, NextAttemptAt)
                SELECT e.Id, CASE NEW.Status WHEN 'Sent' THEN 'sms.sent' WHEN 'Delivered' THEN 'sms.delivered' WHEN 'Undelivered' THEN 'sms.undelivered'
                        WHEN 'Cancelled' THEN 'sms.cancelled' ELSE 'sms.failed' END,
                    NEW.Id, NEW.Status, NEW.UpdatedAt, 'Pending', 0, NULL
                FROM webhook_endpoints e
                WHERE e.OrganisationId = NEW.OrganisationId AND e.Enabled = 1
                  AND (e.Events & CASE NEW.Status WHEN 'Sent' THEN 1 WHEN 'Delivered' THEN 2 WHEN 'Undelivered' THEN 8 WHEN 'Cancelled' THEN 16 ELSE 4 END) <> 0;
            END;
            """;

        /// <summary>
        /// An endpoint subscribed to sms.failed received undelivered messages under it: it keeps receiving them, now as
        /// sms.undelivered. sms.cancelled is opt-in: no existing endpoint gets it (see the README, "Webhooks").
        /// </summary>
        public const string KeepUndeliveredForFailureSubscribers = "UPDATE webhook_endpoints SET Events = Events | 8 WHERE (Events & 4) <> 0;";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_messages_webhooks_status;");
            migrationBuilder.Sql(StatusTrigger);
            migrationBuilder.Sql(KeepUndeliveredForFailureSubscribers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_messages_webhooks_status;");
            migrationBuilder.Sql(Webhooks.StatusTrigger);
            migrationBuilder.Sql("UPDATE webhook_endpoints SET Events = (Events & 7) | CASE WHEN (Events & 8) <> 0 THEN 4 ELSE 0 END;");
        }
    }
}
