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
    public static async Task MigrateAsync(IDbContextFactory<TalkNTalkDbContext> factory, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!db.Database.IsSqlite())
        {
            await db.Database.MigrateAsync(ct);
            return;
        }
        var path = db.Database.GetDbConnection().DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        // WAL is a property of the file: set once, it stays for every later connection.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await db.Database.MigrateAsync(ct);
        if (!string.IsNullOrEmpty(folder))
            await TakeOverKeyFilesAsync(db, Path.Combine(folder, "keys"), ct);
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
