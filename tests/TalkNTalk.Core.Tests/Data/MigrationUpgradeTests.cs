using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Data;

/// <summary>
/// A database made by the release before EF's migration tooling (the hand-written migrations, up to the webhooks)
/// upgrades in place to the current schema with every row of every table unchanged.
/// </summary>
public sealed class MigrationUpgradeTests
{
    private const string LastHandWrittenMigration = "20261125060000_Webhooks";
    private static readonly string[] TablesAddedSince = ["delivery_inbox", "user_sessions", "sms_gateway_settings", "opt_outs", "whatsapp_templates", "data_protection_keys", "installation_secrets", "app_instances", "rate_limit_hits"];

    // Columns renamed since then (the row keeps its value under the new name) and added since then (with the value
    // every old row must get).
    private static readonly Dictionary<(string Table, string Column), string> RenamedSince = new()
    {
        [("messages", "Address")] = "Mobile",
    };
    private static readonly Dictionary<(string Table, string Column), string> AddedSince = new()
    {
        [("campaigns", "Channel")] = "Sms",
        [("messages", "Channel")] = "Sms",
        [("message_stats", "Channel")] = "Sms",
        [("contacts", "Email")] = "NULL",
        [("contacts", "TelegramChatId")] = "NULL",
        [("contacts", "SlackUserId")] = "NULL",
        [("campaigns", "Subject")] = "NULL",
        [("sender_ids", "Channel")] = "Sms",
        [("sender_ids", "ProviderRef")] = "NULL",
        [("sender_ids", "Secret")] = "NULL",
        [("messages", "ClaimedBy")] = "NULL",
        [("sender_ids", "VerificationTokenHash")] = "NULL",
        [("sender_ids", "VerificationSentAt")] = "NULL",
    };

    [SqliteFact]
    public async Task A_database_of_the_hand_written_migrations_upgrades_with_every_row_kept()
    {
        await using var services = await TestServices.StartAsync(new() { ["Webhooks:AllowPrivateTargets"] = "true" }, LastHandWrittenMigration);
        await FillAsync(services);
        var before = await ReadRowsAsync(services);
        Assert.Contains(before, table => table.Key == "messages" && table.Value.Count > 0);

        await DatabaseInitializer.MigrateAsync(services.Get<IDbContextFactory<TalkNTalkDbContext>>());

        await using var db = services.NewDb();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var after = await ReadRowsAsync(services);
        // Tables added by generated migrations since then start empty; every earlier table keeps its rows.
        Assert.Equal(before.Keys.Concat(TablesAddedSince).Order(), after.Keys.Order());
        Assert.All(TablesAddedSince, table => Assert.Empty(after[table]));
        foreach (var (table, rows) in before)
            Assert.True(rows.SequenceEqual(after[table]), $"Rows of {table} changed in the upgrade.");

        // The address search was rebuilt over the renamed column: the old messages are found by number.
        var org = await db.Organisations.Select(o => o.Id).SingleAsync();
        var found = await services.Get<MessageQueries>().SearchAsync(org, new MessageFilter(Address: "0712 000"), 0, 10);
        Assert.Equal(["254712000001"], found.Items.Select(m => m.Address));
    }

    // Every kind of row the release wrote: organisation, admin, sender ID, wallet and ledger, books and contacts,
    // a campaign with messages and their stats and search index, an API key, a webhook endpoint and a test event.
    private static async Task FillAsync(TestServices services)
    {
        var org = await LegacyRows.InsertOrganisationAsync(services, credit: 250m);
        var book = await services.Get<AddressBookService>().CreateAsync(org, "Customers", "Nairobi branch");
        await using (var db = services.NewDb())
        {
            await LegacyRows.InsertContactAsync(db, org, book.Id, "254712000001", "Wanjiku", "Kamau", "{\"account_no\":\"A-17\"}");
            await LegacyRows.InsertContactAsync(db, org, book.Id, "254733000002", "José", "Otieno");
            await LegacyRows.InsertSmsCampaignAsync(db, org, ["254712000001", "254733000002"], "Habari {first_name}, your statement is ready.");
        }
        await services.Get<ApiKeyService>().CreateAsync(org, "Billing server", ApiScopes.Read | ApiScopes.Send, null, "admin@acme.co.ke");
        var (endpoint, _) = await services.Get<WebhookService>().CreateAsync(org, "https://127.0.0.1:9/hook", "Receiver", WebhookEvents.All, "admin@acme.co.ke");
        await services.Get<WebhookService>().SendTestAsync(org, endpoint.Id);
    }

    /// <summary>Each table's rows, each as a hash of its columns' names and values in name order, sorted (some tables have no rowid).</summary>
    private static async Task<Dictionary<string, List<string>>> ReadRowsAsync(TestServices services)
    {
        await using var db = services.NewDb();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__EFMigrationsHistory' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        var rows = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            await using var read = connection.CreateCommand();
            read.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await read.ExecuteReaderAsync();
            var hashes = new List<string>();
            while (await reader.ReadAsync())
            {
                // By column name, not position: a table rebuilt by a migration may order its columns anew.
                var values = new StringBuilder();
                foreach (var i in Enumerable.Range(0, reader.FieldCount).OrderBy(i => RenamedSince.GetValueOrDefault((table, reader.GetName(i)), reader.GetName(i)), StringComparer.Ordinal))
                {
                    var value = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                    var column = (table, reader.GetName(i));
                    if (AddedSince.TryGetValue(column, out var expected))
                    {
                        Assert.Equal(expected, value);
                        continue;
                    }
                    values.Append(RenamedSince.GetValueOrDefault(column, column.Item2)).Append('=').Append(value).Append('|');
                }
                hashes.Add(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(values.ToString()))));
            }
            hashes.Sort(StringComparer.Ordinal);
            rows[table] = hashes;
        }
        return rows;
    }
}
