using System.Diagnostics;
using Npgsql;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// A PostgreSQL server for a benchmark: the one a connection string names, or a throw-away cluster started with
/// <c>scripts/postgres.sh</c> (durable: fsync and synchronous commits on, as a production server runs; the tests'
/// clusters turn both off) and stopped afterwards. Each run gets an empty database of its own, dropped afterwards.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string _server;
    private readonly string? _clusterFolder;
    private readonly string? _script;

    private BenchPostgres(string server, string? clusterFolder, string? script)
    {
        _server = server;
        _clusterFolder = clusterFolder;
        _script = script;
    }

    /// <summary>Where the databases are: the server's connection string without its database.</summary>
    public string Description => _clusterFolder is null
        ? $"{new NpgsqlConnectionStringBuilder(_server) { Password = null }.ConnectionString} (given)"
        : $"a throw-away cluster of {ServerVersion()} on 127.0.0.1:{new NpgsqlConnectionStringBuilder(_server).Port}, fsync and synchronous_commit on";

    /// <summary>The server <paramref name="connection"/> names, or (null) a cluster of its own.</summary>
    public static async Task<BenchPostgres> StartAsync(string? connection)
    {
        if (connection is not null)
            return new BenchPostgres(connection, null, null);
        var script = FindScript();
        var folder = Path.Combine(Path.GetTempPath(), $"talkntalk-bench-pg-{Environment.ProcessId}");
        var output = await RunScriptAsync(script, "start", folder, durable: true);
        return new BenchPostgres(output.Trim().Split('\n')[^1].Trim(), folder, script);
    }

    /// <summary>A new, empty database on the server (the caller migrates it).</summary>
    public async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        var name = $"tnt_bench_{Guid.NewGuid():N}";
        await AdminAsync($"CREATE DATABASE {name}");
        return DatabaseOptions.Postgres(new NpgsqlConnectionStringBuilder(_server) { Database = name }.ConnectionString);
    }

    public async Task DropDatabaseAsync(DatabaseOptions database)
    {
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_clusterFolder is not null && _script is not null)
            await RunScriptAsync(_script, "stop", _clusterFolder, durable: false);
    }

    private string ServerVersion()
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Pooling = false }.ConnectionString);
        connection.Open();
        return $"PostgreSQL {connection.ServerVersion}";
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // The repository's script, found from the working directory or from the build output upwards.
    private static string FindScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var script = Path.Combine(folder.FullName, "scripts", "postgres.sh");
                if (File.Exists(script))
                    return script;
            }
        }
        throw new InvalidOperationException("scripts/postgres.sh not found: run from the repository, or pass --connection \"Host=…\".");
    }

    private static async Task<string> RunScriptAsync(string script, string command, string folder, bool durable)
    {
        var start = new ProcessStartInfo("bash", [script, command, folder]) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (durable)
            start.Environment["POSTGRES_DURABLE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/postgres.sh {command} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
