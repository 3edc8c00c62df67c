using TalkNTalk.Core.Tests.Infrastructure;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Data.Migrations;

namespace TalkNTalk.Core.Tests.Data;

/// <summary>
/// The first migrations were written by hand, and a migration's raw SQL is not checked by EF's snapshot; so the
/// schema the migrations build is compared with the one the model builds. Two database files are made, one through
/// the migrations and one straight from the model, and their schemas are read back from SQLite itself.
/// </summary>
public sealed class MigrationDriftTests : IDisposable
{
    private const string InitialMigration = "20261125000000_Initial";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "talkntalk-tests-" + Guid.NewGuid().ToString("N"));

    public MigrationDriftTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        // Pooled connections keep the files open; release them before deleting.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is not worth failing a test for.
        }
    }

    [SqliteFact]
    public void Migrations_build_the_same_schema_as_the_model()
    {
        var migratedPath = Path.Combine(_folder, "migrated.db");
        var createdPath = Path.Combine(_folder, "created.db");

        using (var db = NewContext(migratedPath))
        {
            db.Database.Migrate();
            Assert.Contains(InitialMigration, db.Database.GetAppliedMigrations());
            Assert.Empty(db.Database.GetPendingMigrations());
        }
        using (var db = NewContext(createdPath))
            Assert.True(db.Database.EnsureCreated());

        var migrated = ReadSchema(migratedPath);
        var created = ReadSchema(createdPath);

        Assert.Contains("table wallet_ledger autoincrement=True", created);
        Assert.Contains("table webhook_deliveries autoincrement=False", created);
        var missing = created.Except(migrated).ToList();
        var extra = migrated.Except(created).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, DiffMessage(missing, extra));
    }

    [SqliteFact]
    public void Down_removes_every_table()
    {
        var path = Path.Combine(_folder, "down.db");
        using (var db = NewContext(path))
        {
            db.Database.Migrate();
            db.GetService<IMigrator>().Migrate(Migration.InitialDatabase);
            Assert.Empty(db.Database.GetAppliedMigrations());
        }

        Assert.DoesNotContain(ReadSchema(path), line => line.StartsWith("table ", StringComparison.Ordinal));
    }

    [SqliteFact]
    public void Messages_sent_before_the_explorer_migration_are_counted_and_searchable_after_it()
    {
        var path = Path.Combine(_folder, "upgrade.db");
        using (var db = NewContext(path))
        {
            db.GetService<IMigrator>().Migrate("20261125040000_ApiKeys");
            db.Database.ExecuteSqlRaw("""
                INSERT INTO organisations (Id, Name, TimeZoneId, CreatedAt) VALUES ('ORG', 'Acme', 'Africa/Nairobi', '2026-11-01 08:00:00');
                INSERT INTO campaigns (Id, OrganisationId, Name, Message, SenderId, SenderCategory, Status, Source, RecipientsCount, SentCount,
                    DeliveredCount, FailedCount, EstimatedCost, ActualCost, CreatedAt)
                VALUES ('CMP', 'ORG', 'Old', 'Hi', 'ACMEKE', 'Transactional', 'Completed', 'Web', 2, 2, 1, 0, '2.00', '2.00', '2026-11-01 08:00:00');
                INSERT INTO messages (Id, OrganisationId, CampaignId, Mobile, Network, SenderId, Body, Segments, Encoding, Cost, Status, Source, CreatedAt, UpdatedAt)
                VALUES ('M1', 'ORG', 'CMP', '254712345678', 'Safaricom', 'ACMEKE', 'Hi', 1, 'Gsm7', '1.00', 'Delivered', 'Web', '2026-11-01 08:00:00', '2026-11-01 08:00:00'),
                       ('M2', 'ORG', 'CMP', '254733000111', 'Airtel', 'ACMEKE', 'Hi', 1, 'Gsm7', '1.00', 'Sent', 'Web', '2026-11-01 08:00:00', '2026-11-01 08:00:00');
                """);
            db.Database.Migrate();
        }

        using var connection = new SqliteConnection(DatabaseOptions.ConnectionStringFor(path));
        connection.Open();
        Assert.Equal("Safaricom Delivered 1 100, Airtel Sent 1 100",
            string.Join(", ", Query(connection, "SELECT Network, Status, Messages, CostCents FROM message_stats ORDER BY Network DESC;", r => $"{r.GetString(0)} {r.GetString(1)} {r.GetInt64(2)} {r.GetInt64(3)}")));
        Assert.Equal(["M1"], Query(connection, "SELECT m.Id FROM message_search s JOIN messages m ON m.rowid = s.rowid WHERE message_search MATCH '\"4712\"';", r => r.GetString(0)));
        // The trigger keeps the counts from then on.
        using (var update = connection.CreateCommand())
        {
            update.CommandText = "UPDATE messages SET Status = 'Undelivered' WHERE Id = 'M2';";
            update.ExecuteNonQuery();
        }
        Assert.Equal("Airtel Sent 0, Airtel Undelivered 1",
            string.Join(", ", Query(connection, "SELECT Network, Status, Messages FROM message_stats WHERE Network = 'Airtel' ORDER BY Status;", r => $"{r.GetString(0)} {r.GetString(1)} {r.GetInt64(2)}")));
    }

    [SqliteFact]
    public async Task MigrateAsync_switches_the_file_to_wal_and_connections_enforce_foreign_keys()
    {
        // A folder that does not exist yet: the initializer creates it.
        var path = Path.Combine(_folder, "data", "talkntalk.db");
        var factory = new Factory(Options(path));

        await DatabaseInitializer.MigrateAsync(factory);

        await using var connection = new SqliteConnection(DatabaseOptions.ConnectionStringFor(path));
        await connection.OpenAsync();
        Assert.Equal("wal", Convert.ToString(await ScalarAsync(connection, "PRAGMA journal_mode;"))?.ToLowerInvariant());
        Assert.Equal(1L, Convert.ToInt64(await ScalarAsync(connection, "PRAGMA foreign_keys;")));
        Assert.Equal(InitialMigration, await ScalarAsync(connection, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId LIMIT 1;"));

        // Running it again on a migrated file is a no-op.
        await DatabaseInitializer.MigrateAsync(factory);
    }

    private static DbContextOptions<TalkNTalkDbContext> Options(string path)
    {
        var builder = new DbContextOptionsBuilder<TalkNTalkDbContext>();
        CoreServiceCollectionExtensions.ConfigureDb(builder, DatabaseOptions.Sqlite(path));
        return builder.Options;
    }

    private static TalkNTalkDbContext NewContext(string path) => new(Options(path));

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>
    /// The schema of a file as sorted lines, one fact each: tables, columns (name, type, notnull, pk, default),
    /// indexes (name, unique, origin, partial, columns) and foreign keys (columns, target, on delete).
    /// EF's bookkeeping tables and SQLite's internal ones are left out.
    /// </summary>
    private static SortedSet<string> ReadSchema(string path)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        using var connection = new SqliteConnection(DatabaseOptions.ConnectionStringFor(path));
        connection.Open();

        var tables = Query(connection,
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_EFMigrations%' ESCAPE '\\' ORDER BY name;",
            r => (Name: r.GetString(0), Sql: r.IsDBNull(1) ? "" : r.GetString(1)));

        // SQLite-only objects of raw-SQL migrations (FTS5 tables and their shadow tables) have no place in the model.
        foreach (var (table, sql) in tables.Where(t => !MessageExplorer.SqliteObjects.Any(o => t.Name.StartsWith(o, StringComparison.Ordinal))))
        {
            var autoincrement = sql.Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase);
            lines.Add($"table {table} autoincrement={autoincrement}");

            foreach (var column in Query(connection,
                         "SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info($t);",
                         r => $"column {table}.{r.GetString(0)} type={r.GetString(1)} notnull={r.GetInt64(2)} pk={r.GetInt64(3)} default={(r.IsDBNull(4) ? "(none)" : r.GetString(4))}",
                         table))
                lines.Add(column);

            var indexes = Query(connection,
                "SELECT name, \"unique\", origin, partial FROM pragma_index_list($t);",
                r => (Name: r.GetString(0), Unique: r.GetInt64(1), Origin: r.GetString(2), Partial: r.GetInt64(3)),
                table);
            foreach (var index in indexes)
            {
                var columns = Query(connection, "SELECT name FROM pragma_index_info($t) ORDER BY seqno;", r => r.IsDBNull(0) ? "(expression)" : r.GetString(0), index.Name);
                lines.Add($"index {table}.{index.Name} unique={index.Unique} origin={index.Origin} partial={index.Partial} ({string.Join(", ", columns)})");
            }

            var foreignKeys = Query(connection,
                "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list($t) ORDER BY id, seq;",
                r => (Id: r.GetInt64(0), Target: r.GetString(2), From: r.GetString(3), To: r.IsDBNull(4) ? "(pk)" : r.GetString(4), OnUpdate: r.GetString(5), OnDelete: r.GetString(6)),
                table);
            foreach (var fk in foreignKeys.GroupBy(f => f.Id))
            {
                var first = fk.First();
                lines.Add($"foreign key {table}({string.Join(", ", fk.Select(f => f.From))}) -> {first.Target}({string.Join(", ", fk.Select(f => f.To))}) on_delete={first.OnDelete} on_update={first.OnUpdate}");
            }
        }
        return lines;
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, string? parameter = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (parameter is not null)
            command.Parameters.AddWithValue("$t", parameter);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(read(reader));
        return rows;
    }

    private static string DiffMessage(IReadOnlyList<string> missing, IReadOnlyList<string> extra)
    {
        var message = new StringBuilder()
            .AppendLine("The migrations in src/TalkNTalk.Core/Data/Migrations do not build the schema of TalkNTalkDbContext's model.")
            .AppendLine("Add or fix a hand-written migration so that these lines agree.");
        if (missing.Count > 0)
        {
            message.AppendLine($"In the model (EnsureCreated) but not built by the migrations ({missing.Count}):");
            foreach (var line in missing)
                message.AppendLine("  - " + line);
        }
        if (extra.Count > 0)
        {
            message.AppendLine($"Built by the migrations but not in the model ({extra.Count}):");
            foreach (var line in extra)
                message.AppendLine("  + " + line);
        }
        return message.ToString();
    }

    private sealed class Factory(DbContextOptions<TalkNTalkDbContext> options) : IDbContextFactory<TalkNTalkDbContext>
    {
        public TalkNTalkDbContext CreateDbContext() => new(options);
    }
}
