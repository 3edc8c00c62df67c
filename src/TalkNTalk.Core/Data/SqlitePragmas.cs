using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TalkNTalk.Core.Data;

/// <summary>
/// Per-connection settings SQLite cannot take from the connection string. <c>temp_store = MEMORY</c> keeps statement
/// journals (written for every statement that fires a trigger inside a transaction) off the disk: without it, the
/// status-change trigger of <c>message_stats</c> costs the dispatcher several times more per message.
/// <c>busy_timeout</c> lets a writer that finds the database locked wait inside SQLite, which retries after 1, 2, 5,
/// 10… ms; left to Microsoft.Data.Sqlite, it would sleep 150 ms between tries, long after the lock was free.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA temp_store = MEMORY; PRAGMA busy_timeout = 5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Command(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = Command(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A 64 MB page cache on this connection, for a long read of one operation (a send's recipients, hundreds of
    /// thousands of rows). SQLite only: PostgreSQL's cache is the server's, shared by every connection.
    /// </summary>
    public static async Task UseLargeCacheAsync(DbConnection connection, CancellationToken ct)
    {
        if (connection is not SqliteConnection)
            return;
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA cache_size = -65536";
        await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        return command;
    }
}
