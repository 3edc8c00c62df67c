using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace TalkNTalk.Core.Data;

/// <summary>Brings the database up to the current schema at start-up.</summary>
public static class DatabaseInitializer
{
    /// <summary>
    /// Applies pending migrations. On SQLite it first creates the file's folder and switches the file to WAL, so readers
    /// never block the dispatcher's writes, and takes over the key files an earlier release kept beside it.
    /// EF takes a lock around the migrations on either engine, so instances starting together migrate once.
    /// </summary>
    /// <returns>Whether it removed a SQLite migration lock that a process killed while migrating left behind.</returns>
    public static async Task<bool> MigrateAsync(IDbContextFactory<TalkNTalkDbContext> factory, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!db.Database.IsSqlite())
        {
            await MigratePostgresAsync(db, ct);
            return false;
        }
        var path = db.Database.GetDbConnection().DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        // WAL is a property of the file: set once, it stays for every later connection.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        // EF's SQLite lock is a row that a process killed while migrating leaves behind, and EF would wait for it forever.
        // One process uses a SQLite file, so a row found at start is such a leftover.
        var staleLock = await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS Value FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'").SingleAsync(ct) > 0
            && await db.Database.ExecuteSqlRawAsync("DELETE FROM __EFMigrationsLock", ct) > 0;
        await db.Database.MigrateAsync(ct);
        if (!string.IsNullOrEmpty(folder))
            await TakeOverKeyFilesAsync(db, Path.Combine(folder, "keys"), ct);
        return staleLock;
    }

    /// <summary>How long an instance waits for the migration lock before saying who holds it and trying again.</summary>
    public static readonly TimeSpan MigrationLockWait = TimeSpan.FromSeconds(30);

    // EF locks the history table for the migrations; a session that dies releases it, but a machine that vanished holds
    // it until PostgreSQL notices the connection is gone. So the wait is bounded, and what it waited for is named.
    private static async Task MigratePostgresAsync(TalkNTalkDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET lock_timeout = '30s'", ct); // MigrationLockWait
        try
        {
            await db.Database.MigrateAsync(ct);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.LockNotAvailable)
        {
            var holder = await db.Database.SqlQueryRaw<string>("""
                SELECT format('session %s from %s (%s) since %s', a.pid, coalesce(host(a.client_addr), 'a local socket'),
                              coalesce(nullif(a.application_name, ''), 'no name'), to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ')) AS "Value"
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.relation = '"__EFMigrationsHistory"'::regclass AND l.granted AND a.pid <> pg_backend_pid()
                LIMIT 1
                """).FirstOrDefaultAsync(CancellationToken.None);
            throw new MigrationLockTimeoutException(holder is null
                ? $"Another instance held the migration lock for {MigrationLockWait.TotalSeconds:0} s."
                : $"Another instance holds the migration lock: {holder}. If that instance is gone, end its session with SELECT pg_terminate_backend(pid).", e);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("RESET lock_timeout", CancellationToken.None);
        }
    }

    /// <summary>Where releases on one machine kept the Data Protection keys and the SMS callback key: beside the SQLite file.</summary>
    public static string? LegacyKeyFolder(DatabaseOptions database) =>
        database.Provider == DatabaseProvider.Sqlite
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database.Path))!, "keys")
            : null;

    /// <summary>Copies the key ring's files into <c>data_protection_keys</c> (each once), so what they protected stays readable.</summary>
    private static async Task TakeOverKeyFilesAsync(TalkNTalkDbContext db, string folder, CancellationToken ct)
    {
        if (!Directory.Exists(folder))
            return;
        var known = (await db.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "key-*.xml"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!known.Contains(name))
                db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = name, Xml = await File.ReadAllTextAsync(file, ct) });
        }
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Start-up waited <see cref="DatabaseInitializer.MigrationLockWait"/> for another instance's migration lock; it tries again.</summary>
public sealed class MigrationLockTimeoutException(string message, Exception inner) : TimeoutException(message, inner);
