namespace TalkNTalk.Migrations.Postgres.Migrations;

/// <summary>
/// PostgreSQL's twins of what SQLite's migrations create in raw SQL, because EF does not model them: the trigram index
/// the message explorer's number search uses (SQLite: an FTS5 trigram table), the trigger that keeps
/// <c>message_stats</c> in step with each status change, and the webhook outbox's trigger. Same rules, same
/// transaction as the change that fires them. Also the contact search's <c>tnt_contact_text</c>, which SQLite gets as a
/// C# function on each connection (<c>ContactSearch</c>). One difference: a new delivery is due at once (NextAttemptAt set), because
/// here transactions commit out of id order and WebhookWorker's id cursor alone could pass over a row committed late.
/// </summary>
internal static class SqlObjects
{
    public static readonly string[] Create =
    [
        // pg_trgm is a trusted extension: the database's owner may create it.
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
        "CREATE INDEX ix_messages_address_trgm ON messages USING gin (address gin_trgm_ops);",

        // The contact search's text (ContactSearch.Text and Fold in C#): names both ways round and custom field values
        // (a JSON object of strings, in stored order), one per line, in lower case without accents: decomposed (NFD),
        // combining marks dropped, composed again. C# drops every nonspacing mark; these are the blocks of the marks of
        // Latin, Greek and Cyrillic letters. Not unaccent: it also folds letters C# keeps (ø, ß, ł), and the search folds
        // what is typed in C#, so "søren" would miss "Søren". normalize() needs a UTF8 database. IMMUTABLE, so an index
        // may use them; SQL-standard bodies are bound when created, whatever the caller's search_path.
        """
        CREATE FUNCTION tnt_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN lower(normalize(regexp_replace(normalize(value, NFD), '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g'), NFC));
        """,
        """
        CREATE FUNCTION tnt_contact_text(first_name text, last_name text, custom_fields text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN tnt_fold(concat(first_name, ' ', last_name, E'\n', last_name, ' ', first_name,
            (SELECT string_agg(E'\n' || f.value, '' ORDER BY f.position)
             FROM json_each_text(nullif(custom_fields, '')::json) WITH ORDINALITY AS f(key, value, position))));
        """,

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
        "DROP FUNCTION IF EXISTS tnt_contact_text(text, text, text);",
        "DROP FUNCTION IF EXISTS tnt_fold(text);",
        "DROP INDEX IF EXISTS ix_messages_address_trgm;",
    ];
}
