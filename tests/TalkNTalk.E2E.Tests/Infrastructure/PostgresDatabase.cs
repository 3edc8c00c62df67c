using Npgsql;

namespace TalkNTalk.E2E.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL database of its own for one test, on the server <c>TALKNTALK_E2E_POSTGRES</c> names (scripts/test.sh
/// starts a throw-away cluster and sets it): created empty, migrated by the first app instance that starts on it, and
/// dropped afterwards. The test reads it as an operator's psql would.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string ServerVariable = "TALKNTALK_E2E_POSTGRES";

    public static string? Server { get; } = Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server ? server : null;

    public string ConnectionString { get; }

    private readonly string _name;

    private PostgresDatabase(string name)
    {
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var database = new PostgresDatabase($"tnt_e2e_{Guid.NewGuid():N}");
        await AdminAsync($"CREATE DATABASE {database._name}");
        return database;
    }

    /// <summary>The settings an app instance on this database starts with.</summary>
    public Dictionary<string, string> Settings() => new()
    {
        ["Database__Provider"] = "Postgres",
        ["Database__ConnectionString"] = ConnectionString,
    };

    /// <summary>A connection for reading what the instances left; the caller disposes it.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
            rows.Add(read(reader));
        return rows;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // FORCE: an instance killed a moment ago may still hold a connection the server has not noticed is gone.
        await AdminAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// A test of several app instances on one PostgreSQL database: skipped unless <c>TALKNTALK_E2E_POSTGRES</c> names a
/// server (scripts/test.sh starts one and sets it).
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresDatabase.Server is null)
            Skip = $"Needs PostgreSQL: set {PostgresDatabase.ServerVariable} to a server's connection string (scripts/test.sh starts a throw-away cluster and sets it).";
    }
}
