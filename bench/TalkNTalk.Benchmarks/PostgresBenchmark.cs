using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Instances;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// Mode <c>postgres [--connection "Host=…"]</c>: PostgreSQL beside SQLite, and one app instance beside two on one
/// PostgreSQL database. Without <c>--connection</c> it starts a throw-away cluster (scripts/postgres.sh, durable) and
/// stops it afterwards. Every case sends one campaign of 100,000 messages (<c>TALKNTALK_BENCH_CAMPAIGN</c> changes the
/// count) through the simulated SMS provider at 50 ms latency:
/// - accept: the send through CampaignService (validate, price, reserve, insert, index), on each engine;
/// - dispatch: the same campaign to completion, the dispatcher's cycles run back to back as in <c>dispatch</c> (256 in
///   flight), on each engine;
/// - instances: on a fresh PostgreSQL database, the campaign sent by one running dispatcher, then (again on a fresh
///   database) by two, each with services of its own as two processes would have (its InstanceRegistry, provider,
///   connection pool), 64 in flight each, so that one instance is bound by the provider's latency and a second adds
///   throughput. What both instances' providers received is counted: every message handed over exactly once.
/// Each engine's case warms up first with a 1,000-message campaign, accepted and dispatched untimed.
/// </summary>
public static class PostgresBenchmark
{
    private const int LatencyMs = 50;
    private const int Warmup = 1_000;

    public static async Task RunAsync(string[] args)
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("TALKNTALK_BENCH_CAMPAIGN"), out var n) && n > 0 ? n : 100_000;
        var at = Array.IndexOf(args, "--connection");
        var connection = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        await using var server = await BenchPostgres.StartAsync(connection);
        Console.WriteLine($"postgres: {total:N0}-message campaigns, simulated SMS provider at {LatencyMs} ms; PostgreSQL: {server.Description}; {Environment.ProcessorCount} cores");

        await EngineAsync("SQLite", null, total);
        var database = await server.CreateDatabaseAsync();
        try
        {
            await EngineAsync("PostgreSQL", database, total);
        }
        finally
        {
            await server.DropDatabaseAsync(database);
        }

        var one = await InstancesAsync(server, 1, total);
        var two = await InstancesAsync(server, 2, total);
        Console.WriteLine($"two instances against one: {two / one:N2}×");
    }

    private static Dictionary<string, string?> Settings(int maxConcurrency, int total) => new()
    {
        ["Dispatch:MaxConcurrency"] = maxConcurrency.ToString(),
        ["Sending:MaxRecipientsPerBulkCall"] = Math.Max(total, Warmup).ToString(),
    };

    private static async Task EngineAsync(string engine, DatabaseOptions? database, int total)
    {
        await using var app = await BenchServices.StartAsync(LatencyMs, Settings(256, total), database);
        var dispatcher = app.Get<Dispatcher>();
        await SendAsync(app, Warmup, first: 0);
        while (await dispatcher.RunOnceAsync())
        {
        }

        var usage = CpuUsage.Start();
        var watch = Stopwatch.StartNew();
        var campaign = await SendAsync(app, total, first: Warmup);
        var accepted = watch.Elapsed;
        Console.WriteLine($"{engine}: accept a {total:N0}-recipient send: {accepted.TotalSeconds:N1} s ({total / accepted.TotalSeconds:N0} messages/s); {usage.Stop()}");

        usage = CpuUsage.Start();
        watch.Restart();
        while (await dispatcher.RunOnceAsync())
        {
        }
        var dispatched = watch.Elapsed;
        var check = await CheckAsync(app, campaign, [app]);
        Console.WriteLine($"{engine}: dispatch it, {LatencyMs} ms provider latency, 256 in flight: {dispatched.TotalSeconds:N1} s " +
                          $"({total / dispatched.TotalSeconds:N0} messages/s); {usage.Stop()}; {check}");
    }

    // The campaign sent by `count` running dispatchers on one fresh database; returns messages a second.
    private static async Task<double> InstancesAsync(BenchPostgres server, int count, int total)
    {
        const int Width = 64;
        var database = await server.CreateDatabaseAsync();
        var instances = new List<BenchServices>();
        try
        {
            instances.Add(await BenchServices.StartAsync(LatencyMs, Settings(Width, total), database));
            for (var i = 1; i < count; i++)
                instances.Add(instances[0].Join(LatencyMs, Settings(Width, total)));
            var campaign = await SendAsync(instances[0], total, first: 0);
            // Every instance is registered before any claims, as instances already running would be.
            foreach (var instance in instances)
                await instance.Get<InstanceRegistry>().BeatAsync();

            var factory = instances[0].Get<IDbContextFactory<TalkNTalkDbContext>>();
            var usage = CpuUsage.Start();
            var watch = Stopwatch.StartNew();
            foreach (var instance in instances)
                await instance.Get<Dispatcher>().StartAsync(CancellationToken.None);
            while (!await IsAsync(factory, campaign, CampaignStatus.Completed))
            {
                if (watch.Elapsed > TimeSpan.FromMinutes(15))
                    throw new TimeoutException($"The campaign did not complete in 15 minutes ({count} instance(s)).");
                await Task.Delay(100);
            }
            var elapsed = watch.Elapsed;
            var cpu = usage.Stop();
            // The last delivery reports are applied before the checks.
            while (await SentAsync(factory, campaign) > 0 && watch.Elapsed < elapsed + TimeSpan.FromMinutes(2))
                await Task.Delay(100);
            foreach (var instance in instances)
                await instance.Get<Dispatcher>().StopAsync(CancellationToken.None);

            var check = await CheckAsync(instances[0], campaign, instances);
            var rate = total / elapsed.TotalSeconds;
            var shares = string.Join(" + ", instances.Select(i => i.Get<SimulatedSmsProvider>().Submissions.Count.ToString("N0")));
            Console.WriteLine($"PostgreSQL, {count} instance(s) dispatching, {Width} in flight each (at most {count * Width * 1000 / LatencyMs:N0} messages/s at {LatencyMs} ms): " +
                              $"{elapsed.TotalSeconds:N1} s ({rate:N0} messages/s), handed over by each: {shares}; {cpu}; {check}");
            return rate;
        }
        finally
        {
            foreach (var instance in instances.AsEnumerable().Reverse())
                await instance.DisposeAsync();
            await server.DropDatabaseAsync(database);
        }
    }

    private static async Task<Guid> SendAsync(BenchServices app, int count, int first)
    {
        var result = await app.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = app.OrganisationId,
            Message = "Your statement is ready.",
            Numbers = Enumerable.Range(first, count).Select(i => $"0712{i:D6}").ToList(),
        });
        if (result.CampaignId is not { } campaign || result.Queued.Count != count)
            throw new InvalidOperationException($"The send queued {result.Queued.Count:N0} of {count:N0} messages ({result.Errors.Count} errors).");
        return campaign;
    }

    private static async Task<bool> IsAsync(IDbContextFactory<TalkNTalkDbContext> factory, Guid campaign, CampaignStatus status)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Campaigns.AnyAsync(c => c.Id == campaign && c.Status == status);
    }

    private static async Task<int> SentAsync(IDbContextFactory<TalkNTalkDbContext> factory, Guid campaign)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.MessageStats.Where(s => s.CampaignId == campaign && s.Status == MessageStatus.Sent).SumAsync(s => s.Messages);
    }

    /// <summary>
    /// Whether every message of the campaign was handed over exactly once (counted by the providers of every instance
    /// together), and the ledger, the counts and the campaign's cost are exact for the whole organisation.
    /// </summary>
    private static async Task<string> CheckAsync(BenchServices app, Guid campaignId, IReadOnlyList<BenchServices> instances)
    {
        await using var db = await app.Get<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var messages = await db.Messages.AsNoTracking().Select(m => new { m.Id, m.CampaignId, m.Status, m.Cost }).ToListAsync();
        var handedOver = new Dictionary<Guid, int>();
        foreach (var instance in instances)
            foreach (var (id, times) in instance.Get<SimulatedSmsProvider>().Submissions)
                handedOver[id] = handedOver.GetValueOrDefault(id) + times;
        var ofCampaign = messages.Where(m => m.CampaignId == campaignId).ToList();
        var once = ofCampaign.Count(m => handedOver.GetValueOrDefault(m.Id) == 1);
        var twice = ofCampaign.Count(m => handedOver.GetValueOrDefault(m.Id) > 1);
        var never = ofCampaign.Count(m => !handedOver.ContainsKey(m.Id));

        static bool IsSent(MessageStatus s) => s is MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Undelivered;
        var wallet = await db.Wallets.AsNoTracking().SingleAsync();
        var charged = (await db.WalletLedger.Where(e => e.Kind == LedgerEntryKind.Charge).Select(e => e.Amount).ToListAsync()).Sum();
        var refunded = (await db.WalletLedger.Where(e => e.Kind == LedgerEntryKind.Refund).Select(e => e.Amount).ToListAsync()).Sum();
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId);
        var exact = wallet.Reserved == 0 && charged == messages.Where(m => IsSent(m.Status)).Sum(m => m.Cost)
                    && refunded == messages.Where(m => m.Status == MessageStatus.Failed).Sum(m => m.Cost)
                    && wallet.Available == BenchServices.Credit - charged
                    && campaign.ActualCost == ofCampaign.Where(m => IsSent(m.Status)).Sum(m => m.Cost)
                    && campaign.SentCount == ofCampaign.Count(m => IsSent(m.Status))
                    && messages.All(m => m.Status is not (MessageStatus.Queued or MessageStatus.Submitting or MessageStatus.Unknown));
        var status = ofCampaign.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => g.Count());
        return $"campaign {campaign.Status.ToString().ToLowerInvariant()}; handed over once: {once:N0} of {ofCampaign.Count:N0} (twice or more: {twice}, never: {never}); " +
               $"ledger and counts exact: {exact} (delivered {status.GetValueOrDefault(MessageStatus.Delivered):N0}, undelivered {status.GetValueOrDefault(MessageStatus.Undelivered):N0}, " +
               $"failed {status.GetValueOrDefault(MessageStatus.Failed):N0}, still sent {status.GetValueOrDefault(MessageStatus.Sent):N0})";
    }

    /// <summary>This process's processor time and the whole machine's busy share (from /proc/stat) over an interval.</summary>
    private sealed class CpuUsage
    {
        private readonly TimeSpan _process = Process.GetCurrentProcess().TotalProcessorTime;
        private readonly (long Busy, long Total)? _machine = Machine();
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public static CpuUsage Start() => new();

        public string Stop()
        {
            var process = (Process.GetCurrentProcess().TotalProcessorTime - _process).TotalSeconds / _watch.Elapsed.TotalSeconds;
            var text = $"this process {process * 100:N0}% of a core";
            if (_machine is { } before && Machine() is { } after && after.Total > before.Total)
                text += $", the machine {100.0 * (after.Busy - before.Busy) / (after.Total - before.Total):N0}% busy";
            return text;
        }

        private static (long Busy, long Total)? Machine()
        {
            try
            {
                var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
                var total = fields.Sum();
                return (total - fields[3] - fields[4], total); // idle and iowait are not busy
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                return null;
            }
        }
    }
}
