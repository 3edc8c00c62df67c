using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// A 100,000-message campaign with and without a webhook endpoint on a fast loopback receiver: how fast the dispatcher
/// goes in each case, and how many events per second the worker delivers, during the campaign and on its own.
/// </summary>
public static class WebhookBenchmark
{
    private const int Total = 100_000;

    // Settings can be tried from the command line: `-- webhooks Webhooks:BatchSize=2000 Webhooks:MaxConcurrency=16`;
    // `SimulatedProvider:SubmitLatencyMs=50` gives the provider a real network's latency (the default here is none).
    private static readonly KeyValuePair<string, string?>[] Settings =
    [
        new("Sending:MaxRecipientsPerBulkCall", Total.ToString()),
        new("Webhooks:AllowPrivateTargets", "true"),
        .. Environment.GetCommandLineArgs().Where(a => a.Contains(':') && a.Contains('=')).Select(a => a.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])),
    ];

    private enum Case { NoEndpoint, OutboxOnly, WorkerDelivering }

    private sealed record Run(Case Case, double Rate, double CpuPerMessage)
    {
        public int Round { get; init; }
    }

    // The build machine is a shared 2-core VM whose speed drifts by ±15% from one minute to the next, so one run of
    // each case proves nothing. Each round runs the three cases in a rotated order; the verdict compares medians.
    // `-- webhooks rounds=7` runs more rounds.
    public static async Task RunAsync()
    {
        var rounds = Environment.GetCommandLineArgs().Select(a => a.Split('=', 2)).Where(kv => kv is ["rounds", _]).Select(kv => int.Parse(kv[1])).FirstOrDefault(5);
        Console.WriteLine("warm-up (not counted)");
        await RunAsync(Case.WorkerDelivering, quiet: true);
        var runs = new List<Run>();
        var cases = Enum.GetValues<Case>();
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round} of {rounds}");
            for (var i = 0; i < cases.Length; i++)
                runs.Add(await RunAsync(cases[(i + round) % cases.Length]) with { Round = round });
        }

        // Each round's cases are compared with that round's baseline, minutes apart at most; the median of those ratios
        // is the verdict, so one slow spell of the machine moves it little.
        var baselines = runs.Where(r => r.Case == Case.NoEndpoint).ToDictionary(r => r.Round, r => r.Rate);
        Console.WriteLine($"summary over {rounds} rounds: median rate; median of each round's share of its own no-endpoint run (target ≥ 90%):");
        foreach (var c in cases)
        {
            var mine = runs.Where(r => r.Case == c).ToList();
            var shares = mine.Select(r => r.Rate / baselines[r.Round]).ToList();
            Console.WriteLine($"  {Name(c),-42} {Median(mine.Select(r => r.Rate)),7:N0} messages/s, {Median(shares),4:P0} (rounds {string.Join(" ", shares.Select(x => x.ToString("P0")))}); " +
                              $"CPU {Median(mine.Select(r => r.CpuPerMessage)):N0} µs/message");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Name(Case c) => c switch
    {
        Case.NoEndpoint => "no endpoint",
        Case.OutboxOnly => "an endpoint, worker stopped (outbox only)",
        _ => "an endpoint, worker delivering meanwhile",
    };

    private static async Task<Run> RunAsync(Case @case, bool quiet = false)
    {
        var endpoint = @case != Case.NoEndpoint;
        var workerDuringDispatch = @case == Case.WorkerDelivering;
        // What the previous run left behind (a heap grown by 200,000 deliveries, a database being deleted) must not
        // slow this one: in trials the run after a delivering one was 10–25% slower without this.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var receiver = await ReceiverProcess.StartAsync();
        await using var app = await BenchServices.StartAsync(latencyMs: 0, Settings);
        if (endpoint)
            await app.Get<WebhookService>().CreateAsync(app.OrganisationId, receiver.Url, "Bench receiver", WebhookEvents.All, "bench");
        await app.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = app.OrganisationId,
            Message = "Your statement is ready.",
            Numbers = Enumerable.Range(0, Total).Select(i => $"07{12_000_000 + i:D8}").ToList(),
        });

        var dispatcher = app.Get<Dispatcher>();
        var worker = app.Get<WebhookWorker>();
        var dispatched = new TaskCompletionSource();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var delivering = workerDuringDispatch ? Task.Run(() => DeliverAsync(worker, dispatched.Task)) : Task.CompletedTask;
        while (await dispatcher.RunOnceAsync())
        {
        }
        var dispatchTime = watch.Elapsed;
        // CPU time is steadier than wall time on a shared machine; with the worker running it includes the worker (the receiver is another process).
        var cpuPerMessage = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Total;
        var duringDispatch = await receiver.CountAsync();
        dispatched.SetResult();
        await delivering;
        var rate = Total / dispatchTime.TotalSeconds;
        var run = new Run(@case, rate, cpuPerMessage);
        if (!quiet)
            Console.WriteLine($"dispatch a {Total:N0}-message campaign, {Name(@case)}: {dispatchTime.TotalSeconds:N1} s ({rate:N0} messages/s); CPU {cpuPerMessage:N0} µs/message");
        if (!endpoint)
            return run;

        var drainWatch = Stopwatch.StartNew();
        await DeliverAsync(worker, Task.CompletedTask);
        var drainTime = drainWatch.Elapsed;
        await using var db = await app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var events = await db.WebhookDeliveries.CountAsync();
        var succeeded = await db.WebhookDeliveries.CountAsync(d => d.Status == WebhookDeliveryStatus.Succeeded);
        if (quiet)
            return run;
        if (workerDuringDispatch)
            Console.WriteLine($"  webhooks: {duringDispatch:N0} events delivered during the dispatch ({duringDispatch / dispatchTime.TotalSeconds:N0}/s), " +
                              $"all {events:N0} {watch.Elapsed.TotalSeconds:N1} s after the start ({events / watch.Elapsed.TotalSeconds:N0}/s); " +
                              $"succeeded {succeeded:N0}, calls {await receiver.CountAsync():N0}");
        else
            Console.WriteLine($"  webhooks: the worker alone delivered {events:N0} events in {drainTime.TotalSeconds:N1} s ({events / drainTime.TotalSeconds:N0}/s); " +
                              $"succeeded {succeeded:N0}, calls {await receiver.CountAsync():N0}");
        return run;
    }

    // Runs the worker as its background loop does, until the dispatch is over and nothing is left to deliver.
    private static async Task DeliverAsync(WebhookWorker worker, Task dispatched)
    {
        while (true)
        {
            if (await worker.RunOnceAsync())
            {
                await worker.YieldToDispatchAsync();
                continue;
            }
            if (dispatched.IsCompleted)
                return;
            await Task.Delay(50);
        }
    }
}
