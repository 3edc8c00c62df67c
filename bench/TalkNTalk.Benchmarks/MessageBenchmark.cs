using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// The explorer's queries over 1,000,000 seeded messages: the first page (with the total) and page 5,000 for every
/// kind of filter and some combinations. Set TALKNTALK_BENCH_DB to a seeded file to skip seeding on later runs.
/// </summary>
public static class MessageBenchmark
{
    // TALKNTALK_BENCH_MESSAGES seeds fewer, for a quick check that a benchmark runs; its figures mean nothing then.
    private static readonly int Messages = int.TryParse(Environment.GetEnvironmentVariable("TALKNTALK_BENCH_MESSAGES"), out var n) && n > 0 ? n : 1_000_000;
    private const int PageSize = 50;
    private const int Runs = 25;

    public static async Task RunAsync()
    {
        var (factory, organisation, cleanup, _) = await SeededAsync();
        try
        {
            var queries = new MessageQueries(factory);
            var (bigCampaign, aMobile) = await SamplesAsync(factory, organisation);
            var now = DateTime.UtcNow;
            var cases = new (string Name, MessageFilter Filter)[]
            {
                ("no filter", new()),
                ("status delivered", new(Status: MessageStatus.Delivered)),
                ("status failed", new(Status: MessageStatus.Failed)),
                ("network airtel", new(Network: Network.Airtel)),
                ("sender acmebank (any case)", new(SenderId: "acmebank")),
                ("source api", new(Source: MessageSource.Api)),
                ("one campaign", new(CampaignId: bigCampaign)),
                ("last 7 days", new(CreatedFrom: now.AddDays(-7), CreatedTo: now)),
                ("undelivered + telkom + web", new(Status: MessageStatus.Undelivered, Network: Network.Telkom, Source: MessageSource.Web)),
                ("all six filters", new(Status: MessageStatus.Delivered, Network: Network.Safaricom, SenderId: "TALKNTALK", Source: MessageSource.Web, CreatedFrom: now.AddDays(-60), CreatedTo: now.AddDays(-30))),
                ("oldest first", new(OldestFirst: true)),
                ($"mobile, full ({aMobile})", new(Address: aMobile)),
                ($"mobile, local partial (0{aMobile[3..8]})", new(Address: "0" + aMobile[3..8])),
                ($"mobile, last 4 digits ({aMobile[^4..]})", new(Address: aMobile[^4..])),
                ($"mobile, 3 digits ({aMobile[^3..]})", new(Address: aMobile[^3..])),
                ("mobile, a prefix most numbers share (0712)", new(Address: "0712")),
                ("mobile partial + status delivered", new(Address: aMobile[^5..], Status: MessageStatus.Delivered)),
            };
            Console.WriteLine($"explorer queries over {Messages:N0} messages, page size {PageSize}, {Runs} runs each (p50 / p99 ms):");
            foreach (var (name, filter) in cases)
            {
                var (first, total) = await TimeAsync(() => queries.SearchAsync(organisation, filter, 0, PageSize));
                var line = $"  {name,-44} total {total,9:N0}   first page {first.P50,6:N1} / {first.P99,6:N1}";
                if (total > 5_000 * PageSize)
                {
                    var (deep, _) = await TimeAsync(() => queries.SearchAsync(organisation, filter, 4_999 * PageSize, PageSize));
                    line += $"   page 5,000 {deep.P50,6:N1} / {deep.P99,6:N1}";
                }
                Console.WriteLine(line);
            }
            var overview = new MessageOverview(factory, TimeProvider.System);
            var (charts, _) = await TimeAsync(async () => ((IReadOnlyList<MessageView>)[], (await overview.GetAsync(organisation, "Africa/Nairobi")).Messages));
            Console.WriteLine($"overview charts (30 days by day, status, network, sender; spend and balance by day): {charts.P50:N1} / {charts.P99:N1} ms");
            await ExportAsync(queries, organisation);
        }
        finally
        {
            await cleanup();
        }
    }

    // Every message of the organisation through the CSV writer into a sink: rows a second, and the memory it took.
    private static async Task ExportAsync(MessageQueries queries, Guid organisation)
    {
        var before = Environment.WorkingSet;
        var peak = before;
        var watch = Stopwatch.StartNew();
        var rows = await new MessageExporter(queries).WriteCsvAsync(organisation, new MessageFilter(), "Africa/Nairobi", new StreamWriter(Stream.Null),
            _ => peak = Math.Max(peak, Environment.WorkingSet));
        Console.WriteLine($"export every message to CSV: {rows:N0} rows in {watch.Elapsed.TotalSeconds:N1} s ({rows / watch.Elapsed.TotalSeconds:N0} rows/s); " +
                          $"working set {before / 1024 / 1024:N0} MB before, {peak / 1024 / 1024:N0} MB at most while exporting");
    }

    public static async Task<((double P50, double P99) Timing, int Total)> TimeAsync(Func<Task<(IReadOnlyList<MessageView> Items, int Total)>> run)
    {
        var total = (await run()).Total; // warm-up
        var timings = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (Percentiles(timings), total);
    }

    public static (double P50, double P99) Percentiles(List<double> timings)
    {
        timings.Sort();
        return (timings[timings.Count / 2], timings[Math.Min(timings.Count - 1, (int)Math.Ceiling(timings.Count * 0.99) - 1)]);
    }

    /// <summary>A database with 1,000,000 seeded messages: TALKNTALK_BENCH_DB if set (seeded on first use), else a temp file.</summary>
    public static async Task<(Microsoft.EntityFrameworkCore.IDbContextFactory<TalkNTalkDbContext> Factory, Guid Organisation, Func<Task> Cleanup, string Path)> SeededAsync()
    {
        var kept = Environment.GetEnvironmentVariable("TALKNTALK_BENCH_DB");
        var folder = kept is null ? Directory.CreateTempSubdirectory("talkntalk-bench-").FullName : null;
        var path = kept ?? Path.Combine(folder!, "bench.db");
        var factory = BenchDatabase.FactoryFor(path);
        await DatabaseInitializer.MigrateAsync(factory);
        await using (var db = await factory.CreateDbContextAsync())
        {
            if (await db.Messages.CountAsync() < Messages)
            {
                Console.WriteLine($"seeding {Messages:N0} messages into {path} ...");
                var watch = Stopwatch.StartNew();
                var (organisation, _) = await SeedCommand.OrganisationAsync(factory, null);
                await new MessageSeeder(factory, organisation).SeedAsync(Messages);
                Console.WriteLine($"seeded in {watch.Elapsed.TotalSeconds:N0} s ({new FileInfo(path).Length / 1024 / 1024:N0} MB)");
            }
        }
        await using var read = await factory.CreateDbContextAsync();
        var id = await read.Organisations.Select(o => o.Id).FirstAsync();
        return (factory, id, () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (folder is not null)
                Directory.Delete(folder, recursive: true);
            return Task.CompletedTask;
        }, path);
    }

    private static async Task<(Guid Campaign, string Mobile)> SamplesAsync(Microsoft.EntityFrameworkCore.IDbContextFactory<TalkNTalkDbContext> factory, Guid organisation)
    {
        await using var db = await factory.CreateDbContextAsync();
        var campaign = await db.Campaigns.Where(c => c.OrganisationId == organisation).OrderByDescending(c => c.RecipientsCount).Select(c => c.Id).FirstAsync();
        var mobile = await db.Messages.Where(m => m.CampaignId == campaign).Select(m => m.Address).FirstAsync();
        return (campaign, mobile);
    }
}
