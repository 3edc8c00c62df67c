using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Benchmarks;

/// <summary>Accepting a 10,000-recipient send, and dispatching 100,000 messages end to end through the simulated provider.</summary>
public static class DispatchBenchmark
{
    public static async Task RunAsync()
    {
        await AcceptAsync();
        await DispatchAsync(latencyMs: 0);
        await DispatchAsync(latencyMs: 50);
    }

    private static async Task AcceptAsync()
    {
        await using var app = await BenchServices.StartAsync(latencyMs: 0);
        var campaigns = app.Get<CampaignService>();
        var timings = new List<double>();
        for (var run = 0; run < 6; run++)
        {
            string[] prefixes = ["0712", "0733", "0771"];
            var numbers = Enumerable.Range(run * 10_000, 10_000).Select(i => $"{prefixes[i % 3]}{i:D6}").ToList();
            var watch = Stopwatch.StartNew();
            await campaigns.SendBulkAsync(new SendRequest { OrganisationId = app.OrganisationId, Message = "Your statement is ready. Log in to view it.", Numbers = numbers });
            if (run > 0)
                timings.Add(watch.Elapsed.TotalMilliseconds); // the first run warms up EF and the JIT
        }
        timings.Sort();
        Console.WriteLine($"accept a 10,000-recipient send: {timings[timings.Count / 2]:N0} ms median (min {timings[0]:N0}, max {timings[^1]:N0})");
    }

    private static async Task DispatchAsync(int latencyMs)
    {
        const int Total = 100_000;
        await using var app = await BenchServices.StartAsync(latencyMs);
        var campaigns = app.Get<CampaignService>();
        for (var c = 0; c < Total / 10_000; c++)
            await campaigns.SendBulkAsync(new SendRequest
            {
                OrganisationId = app.OrganisationId,
                Message = "Your statement is ready.",
                Numbers = Enumerable.Range(c * 10_000, 10_000).Select(i => $"0712{i:D6}").ToList(),
            });
        var dispatcher = app.Get<Dispatcher>();
        var watch = Stopwatch.StartNew();
        while (await dispatcher.RunOnceAsync())
        {
        }
        watch.Stop();

        await using var db = await app.Get<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var statuses = await db.Messages.GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        var wallet = await db.Wallets.SingleAsync();
        var charged = (await db.WalletLedger.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.Amount).ToListAsync()).Sum();
        var refunded = (await db.WalletLedger.Where(e => e.Kind == LedgerEntryKind.Refund).Select(e => e.Amount).ToListAsync()).Sum();
        var sent = statuses.GetValueOrDefault(MessageStatus.Delivered) + statuses.GetValueOrDefault(MessageStatus.Undelivered) + statuses.GetValueOrDefault(MessageStatus.Sent);
        var exact = wallet.Reserved == 0 && charged == sent && refunded == statuses.GetValueOrDefault(MessageStatus.Failed)
                    && wallet.Available == BenchServices.Credit - charged && statuses.GetValueOrDefault(MessageStatus.Queued) == 0;
        var completed = await db.Campaigns.CountAsync(c => c.Status == CampaignStatus.Completed);
        Console.WriteLine($"dispatch {Total:N0} messages, provider latency {latencyMs} ms: {watch.Elapsed.TotalSeconds:N1} s ({Total / watch.Elapsed.TotalSeconds:N0} messages/s); " +
                          $"{completed}/10 campaigns completed; ledger and counts exact: {exact} " +
                          $"(delivered {statuses.GetValueOrDefault(MessageStatus.Delivered):N0}, undelivered {statuses.GetValueOrDefault(MessageStatus.Undelivered):N0}, failed {statuses.GetValueOrDefault(MessageStatus.Failed):N0})");
    }
}

/// <summary>
/// Core's services as the app registers them, with one funded organisation: on a fresh SQLite file, or on the database
/// given (its owner creates and drops it). <see cref="JoinAsync"/> adds another instance on the same database.
/// </summary>
public sealed class BenchServices : IAsyncDisposable
{
    public const decimal Credit = 1_000_000m;

    private readonly ServiceProvider _provider;
    private readonly string? _folder;

    public Guid OrganisationId { get; private init; }

    /// <summary>The database these services use.</summary>
    public DatabaseOptions Database { get; private init; }

    private BenchServices(ServiceProvider provider, string? folder, DatabaseOptions database)
    {
        _provider = provider;
        _folder = folder;
        Database = database;
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <param name="database">An empty database to migrate and use; null for a SQLite file in a temporary folder, deleted afterwards.</param>
    public static async Task<BenchServices> StartAsync(int latencyMs, IEnumerable<KeyValuePair<string, string?>>? settings = null, DatabaseOptions? database = null)
    {
        var folder = database is null ? Directory.CreateTempSubdirectory("talkntalk-bench-").FullName : null;
        database ??= DatabaseOptions.Sqlite(Path.Combine(folder!, "bench.db"));
        var provider = Build(latencyMs, settings, database);
        await DatabaseInitializer.MigrateAsync(provider.GetRequiredService<IDbContextFactory<TalkNTalkDbContext>>());
        await provider.GetRequiredService<OrganisationSetup>().BootstrapAsync(new BootstrapOptions
        {
            OrganisationName = "Bench Ltd", DefaultSenderId = "BENCH", AdminEmail = "bench@bench.co.ke", AdminPassword = "bench-password-1", OpeningCredit = Credit,
        });
        await using var db = await provider.GetRequiredService<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        return new BenchServices(provider, folder, database) { OrganisationId = await db.Organisations.Select(o => o.Id).SingleAsync() };
    }

    /// <summary>
    /// Another app instance on this database, as a second process would be: services of its own (its dispatcher, its
    /// <c>InstanceRegistry</c>, its provider, its connection pool), the same organisation. Disposing it leaves the database.
    /// </summary>
    public BenchServices Join(int latencyMs, IEnumerable<KeyValuePair<string, string?>>? settings = null) =>
        new(Build(latencyMs, settings, Database), null, Database) { OrganisationId = OrganisationId };

    private static ServiceProvider Build(int latencyMs, IEnumerable<KeyValuePair<string, string?>>? settings, DatabaseOptions database)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SimulatedProvider:SubmitLatencyMs"] = latencyMs.ToString(),
            ["SimulatedProvider:ReceiptDelayMs"] = "0",
            ["SimulatedProvider:Credit"] = "10000000",
            ["SimulatedProvider:Seed"] = "1",
            ["SimulatedProvider:MessagesPerSecond"] = "0",
            ["Dispatch:BatchSize"] = "2000",
            ["Dispatch:MaxConcurrency"] = "256",
        }).AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddTalkNTalkCore(configuration, database);
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        if (_folder is null)
            return;
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
