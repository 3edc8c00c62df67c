namespace TalkNTalk.Migrations.Postgres.Migrations;

/// <summary>
/// PostgreSQL's twins of what SQLite's migrations create in raw SQL, because EF does not model them: the trigram index
/// the message explorer's number search uses (SQLite: an FTS5 trigram table), the trigger that keeps
/// <c>message_stats</c> in step with each status change, and the webhook outbox's trigger. Same rules, same
/// transaction as the change that fires them. One difference: a new delivery is due at once (NextAttemptAt set), because
/// here transactions commit out of id order and WebhookWorker's id cursor alone could pass over a row committed late.
/// </summary>
internal static class SqlObjects
{
    public static readonly string[] Create =
    [
        // pg_trgm is a trusted extension: the database's owner may create it.
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
        "CREATE INDEX ix_messages_address_trgm ON messages USING gin (address gin_trgm_ops);",

        """
        CREATE FUNCTION tnt_messages_stats_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE message_stats SET messages = messages - 1, costcents = costcents - round(OLD.cost * 100)::bigint
            WHERE campaignid = OLD.campaignid AND status = OLD.status AND network = OLD.network;
            INSERT INTO message_stats (campaignid, status, network, organisationid, createdat, channel, senderid, source, messages, costcents)
            VALUES (NEW.campaignid, NEW.status, NEW.network, NEW.organisationid, NEW.createdat, NEW.channel, NEW.senderid, NEW.source, 1, round(NEW.cost * 100)::bigint)
            ON CONFLICT (campaignid, status, network) DO UPDATE
                SET messages = message_stats.messages + 1, costcents = message_stats.costcents + excluded.costcents;
            RETURN NULL;
        END $$;
        """,
        """
        CREATE TRIGGER trg_messages_stats_update AFTER UPDATE OF status ON messages
        FOR EACH ROW WHEN (NEW.status <> OLD.status) EXECUTE FUNCTION tnt_messages_stats_update();
        """,

        """
        CREATE FUNCTION tnt_messages_webhooks_status() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO webhook_deliveries (endpointid, eventtype, messageid, messagestatus, occurredat, status, attempts, nextattemptat)
            SELECT e.id,
                CASE NEW.channel WHEN 'Sms' THEN 'sms.' WHEN 'WhatsApp' THEN 'whatsapp.' WHEN 'Telegram' THEN 'telegram.' WHEN 'Email' THEN 'email.' ELSE 'slack.' END
                || CASE NEW.status WHEN 'Sent' THEN 'sent' WHEN 'Delivered' THEN 'delivered' WHEN 'Undelivered' THEN 'undelivered'
                    WHEN 'Cancelled' THEN 'cancelled' ELSE 'failed' END,
                NEW.id, NEW.status, NEW.updatedat, 'Pending', 0, NEW.updatedat
            FROM webhook_endpoints e
            WHERE e.organisationid = NEW.organisationid AND e.enabled
              AND (e.events & ((CASE NEW.status WHEN 'Sent' THEN 1 WHEN 'Delivered' THEN 2 WHEN 'Undelivered' THEN 8 WHEN 'Cancelled' THEN 16 ELSE 4 END)
                  << (5 * CASE NEW.channel WHEN 'Sms' THEN 0 WHEN 'WhatsApp' THEN 1 WHEN 'Telegram' THEN 2 WHEN 'Email' THEN 3 ELSE 4 END))) <> 0;
            RETURN NULL;
        END $$;
        """,
        """
        CREATE TRIGGER trg_messages_webhooks_status AFTER UPDATE OF status ON messages
        FOR EACH ROW WHEN (NEW.status <> OLD.status AND NEW.status IN ('Sent', 'Delivered', 'Undelivered', 'Failed', 'Blocked', 'Cancelled'))
        EXECUTE FUNCTION tnt_messages_webhooks_status();
        """,
    ];

    public static readonly string[] Drop =
    [
        "DROP TRIGGER IF EXISTS trg_messages_webhooks_status ON messages;",
        "DROP FUNCTION IF EXISTS tnt_messages_webhooks_status();",
        "DROP TRIGGER IF EXISTS trg_messages_stats_update ON messages;",
        "DROP FUNCTION IF EXISTS tnt_messages_stats_update();",
        "DROP INDEX IF EXISTS ix_messages_address_trgm;",
    ];
}
