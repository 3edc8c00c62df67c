using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// The REST API over real HTTP on loopback, the whole app in this process over a database of 1,000,000 seeded
/// messages: a minute's allowance of send-bulk calls of 1,000 recipients while the dispatcher works, then
/// GET /v1/bulk-sms/messages/ with filters (target p50 ≤ 50 ms, p99 ≤ 200 ms), then the dispatch rate under 0, 8 and 32 readers.
/// </summary>
public static class ApiBenchmark
{
    private const string Key = "tk_live_Benchmark0123456789abcdefghijklm";
    private const int Runs = 40;

    public static Task RunAsync() => WithAppAsync(async (app, http, organisation) =>
    {
        await SendBulkAsync(http, app, organisation);
        await FetchAsync(http);
        await DispatchUnderReadsAsync(http, app, organisation);
    });

    /// <summary>Only the dispatch rate under concurrent readers (mode <c>api-readers</c>).</summary>
    public static Task RunReadersAsync() => WithAppAsync((app, http, organisation) => DispatchUnderReadsAsync(http, app, organisation));

    private static async Task WithAppAsync(Func<WebApplication, HttpClient, Guid, Task> run)
    {
        var (factory, organisation, cleanup, path) = await MessageBenchmark.SeededAsync();
        string organisationName;
        await using (var db = await factory.CreateDbContextAsync())
            organisationName = await db.Organisations.Where(o => o.Id == organisation).Select(o => o.Name).SingleAsync();
        // The readers share one organisation: its 300-a-minute limit is lifted so that they measure CPU, not the limiter.
        var app = DashboardHost.Build([
            "--urls", "http://127.0.0.1:0", "--environment", "Production", "--applicationName", "TalkNTalk.Dashboard", "--Logging:LogLevel:Default", "Warning",
            $"--Database:Path={path}", $"--Bootstrap:OrganisationName={organisationName}", "--Bootstrap:AdminEmail=bench@bench.co.ke",
            "--Bootstrap:AdminPassword=bench-password-1", "--Bootstrap:DefaultSenderId=TALKNTALK", $"--Bootstrap:ApiKey={Key}",
            "--SimulatedProvider:SubmitLatencyMs=0", "--SimulatedProvider:ReceiptDelayMs=0", "--SimulatedProvider:Credit=100000000",
            "--SimulatedProvider:MessagesPerSecond=0", "--Dispatch:BatchSize=2000", "--Dispatch:MaxConcurrency=256", "--Api:RequestsPerMinute=100000000",
        ]);
        await app.StartAsync();
        try
        {
            await app.Services.GetRequiredService<WalletService>().TopUpAsync(organisation, 1_000_000m, "benchmark", "bench");
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            await run(app, http, organisation);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await cleanup();
        }
    }

    /// <summary>
    /// The dispatcher's rate while 0, 8 and 32 clients poll GET /v1/bulk-sms/messages/ as fast as they can: sending must
    /// keep its share of the CPU (once 1,167 messages/s fell to 150 under 32 readers). With the readers running, 30,000
    /// messages are queued (TALKNTALK_BENCH_DISPATCH sets how many) and the rate is what was queued over the time the
    /// dispatcher took to send it all.
    /// </summary>
    private static async Task DispatchUnderReadsAsync(HttpClient http, WebApplication app, Guid organisation)
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("TALKNTALK_BENCH_DISPATCH"), out var n) && n > 0 ? n : 30_000;
        var campaigns = app.Services.GetRequiredService<CampaignService>();
        var queries = app.Services.GetRequiredService<MessageQueries>();
        var queued = new MessageFilter(Status: MessageStatus.Queued);
        string[] filters = ["", "?status=delivered", "?page=1000", "?mobile=0712", "?source=api&page_size=500", "?status=failed&page=50"];
        Console.WriteLine($"dispatch {total:N0} messages while clients read GET /v1/bulk-sms/messages/ concurrently (provider latency 0):");
        var batch = 0;
        foreach (var readers in new[] { 0, 8, 32 })
        {
            while (await queries.CountAsync(organisation, queued) > 0)
                await Task.Delay(100);
            using var stop = new CancellationTokenSource();
            var timings = new System.Collections.Concurrent.ConcurrentBag<double>();
            var refused = 0;
            var clients = Enumerable.Range(0, readers).Select(r => Task.Run(async () =>
            {
                for (var i = r; !stop.IsCancellationRequested; i++)
                {
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        using var response = await http.GetAsync("/v1/bulk-sms/messages/" + filters[i % filters.Length], stop.Token);
                        await response.Content.ReadAsByteArrayAsync(stop.Token);
                        if (response.IsSuccessStatusCode)
                            timings.Add(watch.Elapsed.TotalMilliseconds);
                        else
                            Interlocked.Increment(ref refused);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            })).ToList();
            await Task.Delay(TimeSpan.FromSeconds(2)); // the readers reach their pace
            for (var sent = 0; sent < total; sent += 10_000, batch++)
            {
                var numbers = Enumerable.Range(0, Math.Min(10_000, total - sent)).Select(i => $"07{batch % 30 + 10:D2}{i:D6}").ToList();
                await campaigns.SendBulkAsync(new SendRequest { OrganisationId = organisation, Message = "Your statement is ready.", SenderId = "TALKNTALK", Numbers = numbers, Source = MessageSource.Api });
            }
            // Timed from the last send's commit; what the dispatcher sent while the sends were being written is left out of both sides.
            var waiting = await queries.CountAsync(organisation, queued);
            var watch = Stopwatch.StartNew();
            var readsBefore = timings.Count;
            while (await queries.CountAsync(organisation, queued) > 0)
                await Task.Delay(50);
            var elapsed = watch.Elapsed.TotalSeconds;
            var reads = timings.Count - readsBefore;
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            var line = $"  {readers,2} readers: dispatch {waiting / elapsed,7:N0} messages/s ({waiting:N0} in {elapsed:N1} s)";
            if (readers > 0 && timings.Count > 0)
            {
                var (p50, p99) = MessageBenchmark.Percentiles(timings.ToList());
                line += $"; reads {reads / elapsed,6:N0}/s, p50 {p50:N0} ms, p99 {p99:N0} ms, {refused:N0} refused (503)";
            }
            Console.WriteLine(line);
        }
    }

    // 60 calls is the per-organisation allowance a minute; the 61st is refused with 429 by design.
    private static async Task SendBulkAsync(HttpClient http, WebApplication app, Guid organisation)
    {
        var queries = app.Services.GetRequiredService<MessageQueries>();
        var queuedBefore = await queries.CountAsync(organisation, new MessageFilter(Status: MessageStatus.Queued));
        var timings = new List<double>();
        var total = Stopwatch.StartNew();
        for (var call = 0; call < 60; call++)
        {
            var recipients = Enumerable.Range(0, 1000).Select(i => $"2547{call:D2}{i:D6}").ToArray();
            var watch = Stopwatch.StartNew();
            var response = await http.PostAsJsonAsync("/v1/sms/send-bulk/", new { recipients, message = "Your statement is ready. Asante!", sender_id = "TALKNTALK" });
            timings.Add(watch.Elapsed.TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"send-bulk call {call + 1} answered {(int)response.StatusCode} after {watch.Elapsed.TotalSeconds:N1} s: {await response.Content.ReadAsStringAsync()}");
        }
        var accepted = total.Elapsed;
        var refused = await http.PostAsJsonAsync("/v1/sms/send-bulk/", new { recipients = new[] { "254700000001" }, message = "One more" });
        var (p50, p99) = MessageBenchmark.Percentiles(timings);
        Console.WriteLine($"send-bulk, 60 calls x 1,000 recipients back to back while the dispatcher runs: p50 {p50:N0} ms, p99 {p99:N0} ms; " +
                          $"60,000 messages accepted in {accepted.TotalSeconds:N1} s ({60_000 / accepted.TotalSeconds:N0} recipients/s); call 61 answered {(int)refused.StatusCode}");
        while (await queries.CountAsync(organisation, new MessageFilter(Status: MessageStatus.Queued)) > queuedBefore)
            await Task.Delay(200);
        Console.WriteLine($"  the dispatcher had sent all 60,000 {total.Elapsed.TotalSeconds:N1} s after the first call ({60_000 / total.Elapsed.TotalSeconds:N0} messages/s overall)");
    }

    private static async Task FetchAsync(HttpClient http)
    {
        var mobile = await FirstAsync(http, "/v1/bulk-sms/messages/?page_size=1&status=delivered", "mobile");
        string[] queries =
        [
            "", "?status=delivered", "?status=failed", "?sender_id=acmebank", "?source=api", "?status=undelivered&sender_id=TALKNTALK&source=web",
            $"?mobile=0{mobile[3..9]}", $"?mobile={mobile[^4..]}", $"?mobile=%2B{mobile}", $"?mobile={mobile[^5..]}&status=delivered",
            "?page=1000", "?page=5000", "?status=delivered&page=5000&page_size=100", "?page_size=500&page=100",
        ];
        var all = new List<double>();
        Console.WriteLine($"GET /v1/bulk-sms/messages/ over 1,000,000+ messages, {Runs} runs each (p50 / p99 ms, over HTTP):");
        foreach (var query in queries)
        {
            var url = "/v1/bulk-sms/messages/" + query;
            var timings = new List<double>();
            var count = await TotalAsync(http, url); // warm-up
            for (var i = 0; i < Runs; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                timings.Add(watch.Elapsed.TotalMilliseconds);
            }
            all.AddRange(timings);
            var (p50, p99) = MessageBenchmark.Percentiles(timings);
            Console.WriteLine($"  {(query.Length == 0 ? "(no filter)" : query),-52} total {count,9:N0}   {p50,6:N1} / {p99,6:N1}");
        }
        var (allP50, allP99) = MessageBenchmark.Percentiles(all);
        Console.WriteLine($"  all {all.Count} requests: p50 {allP50:N1} ms, p99 {allP99:N1} ms (target p50 <= 50, p99 <= 200)");
    }

    private static async Task<int> TotalAsync(HttpClient http, string url)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(url));
        return document.RootElement.GetProperty("total").GetInt32();
    }

    private static async Task<string> FirstAsync(HttpClient http, string url, string field)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(url));
        return document.RootElement.GetProperty("results")[0].GetProperty(field).GetString()!;
    }
}
