using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Providers.Kannel;
using TalkNTalk.Dashboard;
using TalkNTalk.E2E.Tests.Infrastructure;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// Mode <c>kannel</c>: a real Kannel (bearerbox, smsbox, fakesmsc on loopback, as the tests run it), in rounds that
/// alternate, so that both sides meet the same Kannel (its own rate varies from run to run on a shared machine):
/// - Kannel's own rate: 20,000 messages fed straight into its sendsms interface by 64 concurrent clients, each asking
///   for delivery reports as our provider does (<c>dlr-mask</c> and a <c>dlr-url</c> per message, answered by a sink in
///   this process), timed until fakesmsc has them all.
/// - Ours: a 20,000-message campaign through the app (dispatcher, circuit, Kannel provider, the reports coming back to
///   its callback), timed from the campaign's acceptance to the last message at fakesmsc; the next round starts once
///   every report is applied.
/// Each side's best round is compared, and the median rounds. Before the rounds both sides send untimed (a dashboard
/// runs for days, so what counts is its rate once the JIT has tiered its hot paths up; cold, the tiering thread takes a
/// third of the CPU; the app sends two campaigns, and on one processor its first round is still the slowest). Each round
/// prints the processor time a message took Kannel and this process.
/// Last, the report callback's own throughput: 20,000 Kannel reports sent at it by 64 clients.
/// Kannel logs at info level, as a gateway in production does (TALKNTALK_BENCH_KANNEL_LOG=0: debug, as in the tests,
/// where smsbox writes out every HTTP request and answer, some 40% of its processor time).
/// TALKNTALK_BENCH_KANNEL_CPUS gives Kannel processors of its own (<c>taskset -c</c>'s list; run the benchmark itself under
/// <c>taskset -c</c> with the others), so that each side is bound by its own processors, not by sharing them.
/// TALKNTALK_BENCH_KANNEL sets the count, TALKNTALK_BENCH_ROUNDS the rounds (3), TALKNTALK_BENCH_WIDTH the dispatcher's
/// concurrency, and TALKNTALK_BENCH_CALLBACK sends Kannel's reports for our messages elsewhere, to measure the dispatcher
/// alone: a base URL (nothing then waits for them), or <c>sink</c> for the sink that answers Kannel's own (each round
/// then waits for them there).
/// </summary>
public static class KannelBenchmark
{
    private const int Clients = 64;
    private const int DirectWarming = 5_000, AppWarming = 20_000, AppWarmingCampaigns = 2;

    // A round of 20,000 takes seconds; one that has not finished in two minutes and a millisecond a message never will
    // (a message or a report was lost).
    private static readonly int Total = Setting("TALKNTALK_BENCH_KANNEL", 20_000);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2) + TimeSpan.FromMilliseconds(Total);

    public static async Task RunAsync()
    {
        var total = Total;
        var rounds = Setting("TALKNTALK_BENCH_ROUNDS", 3);
        var callback = Environment.GetEnvironmentVariable("TALKNTALK_BENCH_CALLBACK");
        var diverted = !string.IsNullOrEmpty(callback);
        var folder = Directory.CreateTempSubdirectory("talkntalk-bench-kannel-").FullName;
        try
        {
            var logLevel = Setting("TALKNTALK_BENCH_KANNEL_LOG", 1, allowZero: true);
            var cpus = Environment.GetEnvironmentVariable("TALKNTALK_BENCH_KANNEL_CPUS") is { Length: > 0 } pinned ? pinned : null;
            await using var kannel = await KannelGateway.StartAsync(Path.Combine(folder, "kannel"), new KannelGatewayOptions { LogLevel = logLevel, Cpus = cpus });
            Console.WriteLine($"kannel: Kannel logs at level {logLevel} ({logLevel switch { 0 => "debug, as the tests run it", 1 => "info, as a gateway in production runs", _ => "warnings and worse" }})" +
                              (cpus is null ? "; Kannel and this process share the processors" : $"; Kannel runs on processor(s) {cpus}, this process sees {Environment.ProcessorCount}"));
            await using var sink = await ReportSinkAsync();
            var next = 0;
            await DirectAsync(kannel, sink, DirectWarming, next);
            next += DirectWarming;

            var app = DashboardHost.Build([
                "--urls", "http://127.0.0.1:0", "--environment", "Production", "--applicationName", "TalkNTalk.Dashboard", "--Logging:LogLevel:Default", "Warning",
                $"--Database:Path={Path.Combine(folder, "app", "talkntalk.db")}", "--Bootstrap:OrganisationName=Bench Kenya", "--Bootstrap:AdminEmail=bench@bench.co.ke",
                "--Bootstrap:AdminPassword=bench-password-1", "--Bootstrap:DefaultSenderId=ACMEKE", "--Bootstrap:OpeningCredit=10000000",
                "--Sms:Provider=Kannel", $"--Sms:Kannel:SendSmsUrl={kannel.SendSmsUrl}", $"--Sms:Kannel:Username={kannel.Username}",
                $"--Sms:Kannel:Password={kannel.Password}", "--Sms:Kannel:MessagesPerSecond=0", $"--Dispatch:MaxConcurrency={Setting("TALKNTALK_BENCH_WIDTH", Clients)}",
                $"--Sending:MaxRecipientsPerBulkCall={Math.Max(total, AppWarming)}", .. (diverted ? new[] { $"--Sms:CallbackBaseUrl={(callback == "sink" ? sink.Url : callback)}" } : []),
            ]);
            await app.StartAsync();
            try
            {
                var ours = new OurCampaigns(app, kannel, diverted, callback == "sink" ? sink : null);
                for (var warming = 0; warming < AppWarmingCampaigns; warming++)
                {
                    await ours.SendAsync(AppWarming, next);
                    next += AppWarming;
                }
                List<TimeSpan> directTimes = [], ourTimes = [];
                Guid last = default;
                for (var round = 1; round <= rounds; round++)
                {
                    var cpu = new ProcessorTimes(kannel);
                    var (direct, reported) = await DirectAsync(kannel, sink, total, next);
                    next += total;
                    Console.WriteLine($"kannel: round {round}: sendsms fed directly by {Clients} clients: {total:N0} messages at the SMSC in {direct.TotalSeconds:F1} s = {total / direct.TotalSeconds:N0}/s; " +
                                      $"every delivery report at the sink at {reported.TotalSeconds:F1} s; {cpu.PerMessage(total)}");
                    cpu = new ProcessorTimes(kannel);
                    var (campaign, accepted, sent, settled) = await ours.SendAsync(total, next);
                    next += total;
                    last = campaign;
                    Console.WriteLine($"kannel: round {round}: our campaign of {total:N0} accepted in {accepted.TotalSeconds:F1} s; all at the SMSC {sent.TotalSeconds:F1} s after its acceptance = {total / sent.TotalSeconds:N0}/s" +
                                      (diverted ? "" : $"; every delivery report applied at {settled.TotalSeconds:F1} s") + $"; {cpu.PerMessage(total)}");
                    directTimes.Add(direct);
                    ourTimes.Add(sent);
                }
                // Kannel's own rate swings most between rounds, so the median round is given beside the best.
                string Compare(string what, Func<List<TimeSpan>, TimeSpan> pick) =>
                    $"{what}: Kannel's own {total / pick(directTimes).TotalSeconds:N0}/s, ours {total / pick(ourTimes).TotalSeconds:N0}/s = {pick(directTimes).TotalSeconds / pick(ourTimes).TotalSeconds:P0} of Kannel's rate";
                Console.WriteLine($"kannel: {Compare($"best of {rounds}", times => times.Min())} (target 80 %); {Compare("median round", Median)}");
                if (!diverted)
                    await ours.TimeCallbackAsync(last);
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Processor time per message from here on, Kannel's three processes and this one (the app, or the clients and the sink).
    private sealed class ProcessorTimes(KannelGateway kannel)
    {
        private readonly TimeSpan _kannel = kannel.ProcessorTime, _here = Process.GetCurrentProcess().TotalProcessorTime;

        public string PerMessage(int count) =>
            $"processor time a message: Kannel {(kannel.ProcessorTime - _kannel).TotalMicroseconds / count:N0} µs, this process {(Process.GetCurrentProcess().TotalProcessorTime - _here).TotalMicroseconds / count:N0} µs";
    }

    private static TimeSpan Median(List<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // Polls every 20 ms; what says how far it got if it never does.
    private static async Task WaitUntilAsync(Func<Task<bool>> done, Func<string> what)
    {
        var waiting = Stopwatch.StartNew();
        while (!await done())
        {
            if (waiting.Elapsed > Patience)
                throw new TimeoutException($"After {waiting.Elapsed.TotalMinutes:F0} minutes {what()}.");
            await Task.Delay(20);
        }
    }

    private static int Setting(string name, int otherwise, bool allowZero = false) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && (value > 0 || allowZero && value == 0) ? value : otherwise;

    private sealed class ReportSink(WebApplication app, string url) : IAsyncDisposable
    {
        private int _received, _expected, _ours;

        /// <summary>Reports for our messages, when they are diverted here.</summary>
        public int Ours => Volatile.Read(ref _ours);

        public void ReceivedOurs() => Interlocked.Increment(ref _ours);

        public string Url => url;

        public void Received() => Interlocked.Increment(ref _received);

        // Kannel's smsbox goes on delivering a round's reports after fakesmsc has its messages; the next round waits for
        // them, as it does for our own, so that neither side meets the other's backlog.
        public Task WaitForMoreAsync(int more)
        {
            var count = _expected += more;
            return WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref _received) >= count), () => $"Kannel delivered {_received:N0} of {count:N0} reports to the sink");
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    // Answers Kannel's reports for the messages fed to it directly, as our callback does for ours.
    private static async Task<ReportSink> ReportSinkAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        ReportSink? sink = null;
        app.MapGet("/reports/{id}", () =>
        {
            sink!.Received();
            return Results.Ok();
        });
        app.MapMethods("/callbacks/{**rest}", ["GET", "POST"], () => // our reports, when diverted here
        {
            sink!.ReceivedOurs();
            return Results.Ok();
        });
        await app.StartAsync();
        sink = new ReportSink(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/'));
        return sink;
    }

    private static async Task<(TimeSpan Sent, TimeSpan Reported)> DirectAsync(KannelGateway kannel, ReportSink reports, int total, int first)
    {
        using var http = new HttpClient();
        var before = kannel.ReceivedCount;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(first, first + total, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (i, ct) =>
        {
            var url = QueryHelpers.AddQueryString(kannel.SendSmsUrl, new Dictionary<string, string?>
            {
                ["username"] = kannel.Username, ["password"] = kannel.Password, ["from"] = "ACMEKE", ["to"] = $"254711{i:D6}",
                ["text"] = "Your statement is ready.", ["charset"] = "UTF-8", ["dlr-mask"] = KannelSmsProvider.DlrMask.ToString(CultureInfo.InvariantCulture),
                ["dlr-url"] = $"{reports.Url}/reports/{i}?type=%d&at=%T&answer=%A",
            });
            using var response = await http.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
        });
        await kannel.WaitForReceivedAsync(before + total, Patience);
        var sent = clock.Elapsed;
        await reports.WaitForMoreAsync(total);
        return (sent, clock.Elapsed);
    }

    private sealed class OurCampaigns(WebApplication app, KannelGateway kannel, bool diverted, ReportSink? sink)
    {
        private readonly IDbContextFactory<TalkNTalkDbContext> _factory = app.Services.GetRequiredService<IDbContextFactory<TalkNTalkDbContext>>();
        private int _sent;

        /// <summary>Sends a campaign; the times are from its acceptance to the last message at fakesmsc and to the last report applied.</summary>
        public async Task<(Guid Campaign, TimeSpan Accepted, TimeSpan Sent, TimeSpan Settled)> SendAsync(int count, int first)
        {
            Guid organisation;
            await using (var db = await _factory.CreateDbContextAsync())
                organisation = await db.Organisations.Select(o => o.Id).SingleAsync();
            var before = kannel.ReceivedCount;
            var accepting = Stopwatch.StartNew();
            var result = await app.Services.GetRequiredService<CampaignService>().SendBulkAsync(new SendRequest
            {
                OrganisationId = organisation, Message = "Your statement is ready.", Numbers = Enumerable.Range(first, count).Select(i => $"07{i % 100_000_000:D8}").ToList(),
            });
            var accepted = accepting.Elapsed;
            var clock = Stopwatch.StartNew();
            await kannel.WaitForReceivedAsync(before + count, Patience);
            var sent = clock.Elapsed;
            _sent += count;
            if (sink is not null)
                await WaitUntilAsync(() => Task.FromResult(sink.Ours >= _sent), () => $"the sink got {sink.Ours:N0} of our {_sent:N0} reports");
            else if (!diverted)
                await WaitUntilAsync(async () => await DeliveredAsync() >= _sent, () => $"not every one of {_sent:N0} reports was applied");
            return (result.CampaignId!.Value, accepted, sent, clock.Elapsed);
        }

        public async Task TimeCallbackAsync(Guid campaign)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var links = app.Services.GetRequiredService<SmsCallbacks>();
            List<Guid> ids;
            await using (var db = await _factory.CreateDbContextAsync())
                ids = await db.Messages.Where(m => m.CampaignId == campaign).Select(m => m.Id).ToListAsync();
            using var http = new HttpClient();
            var reports = Stopwatch.StartNew();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (id, ct) =>
            {
                var url = links.KannelReportUrl(id).Replace(links.BaseUrl, address.TrimEnd('/'), StringComparison.Ordinal) + $"?type=1&at={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}&answer=";
                using var response = await http.GetAsync(url, ct);
                response.EnsureSuccessStatusCode();
            });
            Console.WriteLine($"kannel: report callback, {ids.Count:N0} reports by {Clients} clients: {reports.Elapsed.TotalSeconds:F1} s = {ids.Count / reports.Elapsed.TotalSeconds:N0}/s");
        }

        private async Task<int> DeliveredAsync()
        {
            await using var db = await _factory.CreateDbContextAsync();
            return await db.Campaigns.SumAsync(c => c.DeliveredCount);
        }
    }
}
