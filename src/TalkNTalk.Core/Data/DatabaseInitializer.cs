using Microsoft.EntityFrameworkCore;

namespace TalkNTalk.Core.Data;

/// <summary>Brings a database file up to the current schema at start-up.</summary>
public static class DatabaseInitializer
{
    /// <summary>Applies pending migrations and switches the file to WAL, so readers never block the dispatcher's writes.</summary>
    public static async Task MigrateAsync(IDbContextFactory<TalkNTalkDbContext> factory, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var path = db.Database.GetDbConnection().DataSource;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        // WAL is a property of the file: set once, it stays for every later connection.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await db.Database.MigrateAsync(ct);
    }
}
