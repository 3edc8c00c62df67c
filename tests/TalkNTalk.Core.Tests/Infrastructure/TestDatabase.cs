using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Tests.Infrastructure;

/// <summary>
/// The engine the Core suite runs on. SQLite files by default; PostgreSQL when <c>TALKNTALK_TEST_POSTGRES</c> holds a
/// server's connection string (scripts/test.sh starts a throw-away cluster and runs the suite a second time so). On
/// PostgreSQL each test gets a database of its own, copied from a template migrated once per run.
/// </summary>
public static class TestDatabase
{
    public static string? PostgresServer { get; } = Environment.GetEnvironmentVariable("TALKNTALK_TEST_POSTGRES") is { Length: > 0 } server ? server : null;

    public static bool IsPostgres => PostgresServer is not null;

    private static readonly string Template = $"tnt_template_{Environment.ProcessId}";
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static bool _templateReady;

    /// <summary>A new, empty database (a file in <paramref name="folder"/>, or a PostgreSQL database).</summary>
    /// <param name="migrated">Start from the current schema (PostgreSQL copies it from the template; SQLite leaves it to the caller).</param>
    public static async Task<DatabaseOptions> CreateAsync(string folder, bool migrated)
    {
        if (!IsPostgres)
            return DatabaseOptions.Sqlite(Path.Combine(folder, "talkntalk.db"));
        var name = $"tnt_{Guid.NewGuid():N}";
        if (migrated)
            await EnsureTemplateAsync();
        await AdminAsync($"CREATE DATABASE {name}" + (migrated ? $" TEMPLATE {Template}" : ""));
        return DatabaseOptions.Postgres(ConnectionStringFor(name));
    }

    public static async Task DropAsync(DatabaseOptions database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            return;
        }
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private static async Task EnsureTemplateAsync()
    {
        await TemplateGate.WaitAsync();
        try
        {
            if (_templateReady)
                return;
            await AdminAsync($"DROP DATABASE IF EXISTS {Template} WITH (FORCE)");
            await AdminAsync($"CREATE DATABASE {Template}");
            var options = new DbContextOptionsBuilder<TalkNTalkDbContext>();
            CoreServiceCollectionExtensions.ConfigureDb(options, DatabaseOptions.Postgres(ConnectionStringFor(Template) + ";Pooling=false"));
            await using (var db = new TalkNTalkDbContext(options.Options))
                await db.Database.MigrateAsync();
            _templateReady = true;
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    private static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresServer) { Database = database }.ConnectionString;

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
