using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Core.Tests.Infrastructure;

/// <summary>Core's services exactly as the app registers them, over a real, migrated database of its own (<see cref="TestDatabase"/>).</summary>
public sealed class TestServices : IAsyncDisposable
{
    private readonly string _folder;
    private readonly ServiceProvider _provider;

    public ManualClock Clock { get; }

    private bool _ownsDatabase;

    /// <summary>The database these services use (SQLite, or PostgreSQL under <see cref="TestDatabase.IsPostgres"/>).</summary>
    public DatabaseOptions Database { get; }

    private TestServices(string folder, ServiceProvider provider, ManualClock clock, DatabaseOptions database)
    {
        _folder = folder;
        _provider = provider;
        Clock = clock;
        Database = database;
    }

    /// <param name="migration">Stop at this migration instead of the latest: a database as an earlier release left it.</param>
    /// <param name="configure">Replaces services after Core's own (a recording stand-in for a door to the outside).</param>
    /// <param name="sharing">Another instance's services whose database these share (two app instances on one
    /// PostgreSQL): the database is neither created nor dropped by these.</param>
    public static async Task<TestServices> StartAsync(Dictionary<string, string?>? settings = null, string? migration = null,
        Action<IServiceCollection>? configure = null, TestServices? sharing = null)
    {
        var folder = Directory.CreateTempSubdirectory("talkntalk-core-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection().AddLogging();
        var database = sharing?.Database ?? await TestDatabase.CreateAsync(folder, migrated: migration is null);
        services.AddTalkNTalkCore(configuration, database);
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
        services.AddSingleton<TimeProvider>(clock);
        // A database as an earlier release left it predates the key ring's table (its keys were files then).
        if (migration is not null)
            services.AddSingleton<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        if (migration is null)
            await DatabaseInitializer.MigrateAsync(provider.GetRequiredService<IDbContextFactory<TalkNTalkDbContext>>());
        else
        {
            await using var db = await provider.GetRequiredService<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
            if (db.Database.IsSqlite())
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            await db.GetInfrastructure().GetRequiredService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(migration);
        }
        return new TestServices(folder, provider, clock, database) { _ownsDatabase = sharing is null };
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>The service, or null when these services have none (one registered only on some engines).</summary>
    public T? TryGet<T>() where T : class => _provider.GetService<T>();

    public TalkNTalkDbContext NewDb() => Get<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContext();

    /// <summary>Creates an organisation with an admin (admin@{slug}.co.ke) and an approved default sender ID.</summary>
    public async Task<Guid> CreateOrganisationAsync(string name = "Acme Kenya", decimal credit = 0m, string sender = "ACMEKE")
    {
        var slug = new string(name.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        await Get<OrganisationSetup>().BootstrapAsync(new BootstrapOptions
        {
            OrganisationName = name,
            DefaultSenderId = sender,
            AdminName = $"{name} Admin",
            AdminEmail = AdminEmailOf(name),
            AdminPassword = "correct-horse-7",
            OpeningCredit = credit,
        });
        await using var db = NewDb();
        return await db.Organisations.Where(o => o.Name == name).Select(o => o.Id).SingleAsync();
    }

    public static string AdminEmailOf(string organisation) =>
        $"admin@{new string(organisation.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant()}.co.ke";

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        if (_ownsDatabase)
            await TestDatabase.DropAsync(Database);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock tests move by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void SetUtcNow(DateTimeOffset now) => _now = now;

    public void Advance(TimeSpan by) => _now += by;
}
