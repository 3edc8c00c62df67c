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

    // Settings can be tried from the command line: `-- webhooks Webhooks:BatchSize=2000 Webhooks:MaxConcurrency=16`.
    private static readonly KeyValuePair<string, string?>[] Settings =
    [
        new("Sending:MaxRecipientsPerBulkCall", Total.ToString()),
        new("Webhooks:AllowPrivateTargets", "true"),
        .. Environment.GetCommandLineArgs().Where(a => a.Contains('=')).Select(a => a.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])),
    ];

    // The machine may be shared: two rounds, each comparing with its own baseline run just before.
    public static async Task RunAsync()
    {
        for (var round = 1; round <= 2; round++)
        {
            Console.WriteLine($"round {round}");
            var baseline = await RunAsync(endpoint: false, workerDuringDispatch: false);
            await RunAsync(endpoint: true, workerDuringDispatch: false, baseline);
            await RunAsync(endpoint: true, workerDuringDispatch: true, baseline);
        }
    }

    private static async Task<double> RunAsync(bool endpoint, bool workerDuringDispatch, double baseline = 0)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Keep = false;
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
        // CPU time is steadier than wall time on a shared machine; with the worker running it includes the worker and the receiver.
        var cpuPerMessage = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Total;
        var duringDispatch = receiver.Count;
        dispatched.SetResult();
        await delivering;
        var rate = Total / dispatchTime.TotalSeconds;
        var name = !endpoint ? "no endpoint" : workerDuringDispatch ? "an endpoint, worker delivering meanwhile" : "an endpoint, worker stopped (outbox only)";
        var versus = baseline > 0 ? $", {rate / baseline:P0} of the rate with no endpoint" : "";
        Console.WriteLine($"dispatch a {Total:N0}-message campaign, {name}: {dispatchTime.TotalSeconds:N1} s ({rate:N0} messages/s{versus}); CPU {cpuPerMessage:N0} µs/message");
        if (!endpoint)
            return rate;

        var drainWatch = Stopwatch.StartNew();
        await DeliverAsync(worker, Task.CompletedTask);
        var drainTime = drainWatch.Elapsed;
        await using var db = await app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var events = await db.WebhookDeliveries.CountAsync();
        var succeeded = await db.WebhookDeliveries.CountAsync(d => d.Status == WebhookDeliveryStatus.Succeeded);
        if (workerDuringDispatch)
            Console.WriteLine($"  webhooks: {duringDispatch:N0} events delivered during the dispatch ({duringDispatch / dispatchTime.TotalSeconds:N0}/s), " +
                              $"all {events:N0} {watch.Elapsed.TotalSeconds:N1} s after the start ({events / watch.Elapsed.TotalSeconds:N0}/s); " +
                              $"succeeded {succeeded:N0}, calls {receiver.Count:N0}");
        else
            Console.WriteLine($"  webhooks: the worker alone delivered {events:N0} events in {drainTime.TotalSeconds:N1} s ({events / drainTime.TotalSeconds:N0}/s); " +
                              $"succeeded {succeeded:N0}, calls {receiver.Count:N0}");
        return rate;
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
