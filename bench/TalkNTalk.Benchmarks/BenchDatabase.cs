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
        var factory = FactoryFor(Path.Combine(folder, "bench.db"));
        await DatabaseInitializer.MigrateAsync(factory);
        return new BenchDatabase(folder, factory) { OrganisationId = await AddOrganisationAsync(factory, "Bench Ltd") };
    }

    /// <summary>A context factory over a SQLite file, configured exactly as the app configures its own.</summary>
    public static IDbContextFactory<TalkNTalkDbContext> FactoryFor(string path) => FactoryFor(Core.Data.DatabaseOptions.Sqlite(path));

    /// <summary>A context factory over either engine's database, configured exactly as the app configures its own.</summary>
    public static IDbContextFactory<TalkNTalkDbContext> FactoryFor(Core.Data.DatabaseOptions database)
    {
        var options = new DbContextOptionsBuilder<TalkNTalkDbContext>();
        CoreServiceCollectionExtensions.ConfigureDb(options, database);
        return new PooledDbContextFactory<TalkNTalkDbContext>(options.Options);
    }

    /// <summary>An organisation with an empty wallet.</summary>
    public static async Task<Guid> AddOrganisationAsync(IDbContextFactory<TalkNTalkDbContext> factory, string name)
    {
        await using var db = await factory.CreateDbContextAsync();
        var organisation = new Organisation { Name = name, CreatedAt = DateTime.UtcNow };
        db.Organisations.Add(organisation);
        db.Wallets.Add(new Wallet { OrganisationId = organisation.Id });
        await db.SaveChangesAsync();
        return organisation.Id;
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        Directory.Delete(_folder, recursive: true);
    }
}
