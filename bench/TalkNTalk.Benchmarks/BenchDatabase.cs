using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using TalkNTalk.Core;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Benchmarks;

/// <summary>A fresh, migrated SQLite file in a temp folder, with one organisation; deleted afterwards.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _folder;

    public IDbContextFactory<TalkNTalkDbContext> Factory { get; }
    public Guid OrganisationId { get; private set; }

    private BenchDatabase(string folder, IDbContextFactory<TalkNTalkDbContext> factory)
    {
        _folder = folder;
        Factory = factory;
    }

    public static async Task<BenchDatabase> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("talkntalk-bench-").FullName;
        var options = new DbContextOptionsBuilder<TalkNTalkDbContext>();
        CoreServiceCollectionExtensions.ConfigureDb(options, Core.Data.DatabaseOptions.ConnectionStringFor(Path.Combine(folder, "bench.db")));
        var factory = new PooledDbContextFactory<TalkNTalkDbContext>(options.Options);
        await DatabaseInitializer.MigrateAsync(factory);
        var database = new BenchDatabase(folder, factory);
        await using var db = await factory.CreateDbContextAsync();
        var organisation = new Organisation { Name = "Bench Ltd", CreatedAt = DateTime.UtcNow };
        db.Organisations.Add(organisation);
        db.Wallets.Add(new Wallet { OrganisationId = organisation.Id });
        await db.SaveChangesAsync();
        database.OrganisationId = organisation.Id;
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        Directory.Delete(_folder, recursive: true);
    }
}
