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
/// Mode <c>kannel</c>: a real Kannel (bearerbox, smsbox, fakesmsc on loopback, as the tests run it). First Kannel's own
/// rate: 20,000 messages fed straight into its sendsms interface by 64 concurrent clients, each asking for delivery
/// reports as our provider does (<c>dlr-mask</c> and a <c>dlr-url</c> per message, answered by a sink in this
/// process), timed until fakesmsc has them all. Then ours: a 20,000-message campaign through the app (dispatcher,
/// circuit, Kannel provider, the reports coming back to its callback), timed from the campaign's acceptance to the last
/// message at fakesmsc, and then until every delivery report is applied. Last, the report callback's own throughput:
/// 20,000 Kannel reports sent at it by 64 clients. TALKNTALK_BENCH_KANNEL sets the count, TALKNTALK_BENCH_WIDTH the
/// dispatcher's concurrency, and TALKNTALK_BENCH_CALLBACK sends Kannel's reports elsewhere (to measure the dispatcher
/// alone; nothing then waits for the reports).
/// </summary>
public static class KannelBenchmark
{
    private const int Clients = 64;

    public static async Task RunAsync()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("TALKNTALK_BENCH_KANNEL"), out var n) && n > 0 ? n : 20_000;
        var folder = Directory.CreateTempSubdirectory("talkntalk-bench-kannel-").FullName;
        try
        {
            await using var kannel = await KannelGateway.StartAsync(Path.Combine(folder, "kannel"));
            await DirectAsync(kannel, Warming, 0);
            var direct = await DirectAsync(kannel, total, Warming);
            Console.WriteLine($"kannel: sendsms fed directly by {Clients} clients: {total:N0} messages in {direct.TotalSeconds:F1} s = {total / direct.TotalSeconds:N0}/s");
            await ThroughAppAsync(kannel, total, folder, direct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Both sides send this many first, untimed: a dashboard runs for days, so what counts is its rate once the JIT has
    // tiered its hot paths up (cold, the tiering thread takes a third of the CPU for the first 15 s).
    private const int Warming = 20_000;

    private static async Task<TimeSpan> DirectAsync(KannelGateway kannel, int total, int first)
    {
        var sink = WebApplication.CreateSlimBuilder();
        sink.Logging.ClearProviders();
        sink.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var reports = sink.Build();
        reports.MapGet("/reports/{id}", () => Results.Ok());
        await reports.StartAsync();
        var reportUrl = reports.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        using var http = new HttpClient();
        var before = kannel.Received.Count;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(first, first + total, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (i, ct) =>
        {
            var url = QueryHelpers.AddQueryString(kannel.SendSmsUrl, new Dictionary<string, string?>
            {
                ["username"] = kannel.Username, ["password"] = kannel.Password, ["from"] = "ACMEKE", ["to"] = $"254711{i:D6}",
                ["text"] = "Your statement is ready.", ["charset"] = "UTF-8", ["dlr-mask"] = KannelSmsProvider.DlrMask.ToString(CultureInfo.InvariantCulture),
                ["dlr-url"] = $"{reportUrl}/reports/{i}?type=%d&at=%T&answer=%A",
            });
            using var response = await http.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
        });
        await kannel.WaitForReceivedAsync(before + total, TimeSpan.FromMinutes(10));
        return clock.Elapsed;
    }

    private static async Task ThroughAppAsync(KannelGateway kannel, int total, string folder, TimeSpan direct)
    {
        var callback = Environment.GetEnvironmentVariable("TALKNTALK_BENCH_CALLBACK");
        var diverted = !string.IsNullOrEmpty(callback);
        var app = DashboardHost.Build([
            "--urls", "http://127.0.0.1:0", "--environment", "Production", "--applicationName", "TalkNTalk.Dashboard", "--Logging:LogLevel:Default", "Warning",
            $"--Database:Path={Path.Combine(folder, "app", "talkntalk.db")}", "--Bootstrap:OrganisationName=Bench Kenya", "--Bootstrap:AdminEmail=bench@bench.co.ke",
            "--Bootstrap:AdminPassword=bench-password-1", "--Bootstrap:DefaultSenderId=ACMEKE", "--Bootstrap:OpeningCredit=1000000",
            "--Sms:Provider=Kannel", $"--Sms:Kannel:SendSmsUrl={kannel.SendSmsUrl}", $"--Sms:Kannel:Username={kannel.Username}",
            $"--Sms:Kannel:Password={kannel.Password}", "--Sms:Kannel:MessagesPerSecond=0", $"--Dispatch:MaxConcurrency={Environment.GetEnvironmentVariable("TALKNTALK_BENCH_WIDTH") ?? Clients.ToString()}", "--Dispatch:BatchSize=2000",
            $"--Sending:MaxRecipientsPerBulkCall={total}", .. (diverted ? new[] { $"--Sms:CallbackBaseUrl={callback}" } : []),
        ]);
        await app.StartAsync();
        try
        {
            var factory = app.Services.GetRequiredService<IDbContextFactory<TalkNTalkDbContext>>();
            Guid organisation;
            await using (var db = await factory.CreateDbContextAsync())
                organisation = await db.Organisations.Select(o => o.Id).SingleAsync();
            var campaigns = app.Services.GetRequiredService<CampaignService>();
            Task<SendResult> Send(int count, int first) => campaigns.SendBulkAsync(new SendRequest
            {
                OrganisationId = organisation, Message = "Your statement is ready.", Numbers = Enumerable.Range(first, count).Select(i => $"0712{i:D6}").ToList(),
            });
            var warming = kannel.Received.Count;
            await Send(Warming, total);
            await kannel.WaitForReceivedAsync(warming + Warming, TimeSpan.FromMinutes(10));
            while (!diverted && await DeliveredAsync(factory) < Warming)
                await Task.Delay(20);

            var before = kannel.Received.Count;
            var accepting = Stopwatch.StartNew();
            var campaign = (await Send(total, 0)).CampaignId;
            Console.WriteLine($"kannel: our campaign of {total:N0} accepted in {accepting.Elapsed.TotalSeconds:F1} s");
            var clock = Stopwatch.StartNew();
            await kannel.WaitForReceivedAsync(before + total, TimeSpan.FromMinutes(10));
            var sent = clock.Elapsed;
            Console.WriteLine($"kannel: our campaign through Kannel: all at the SMSC {sent.TotalSeconds:F1} s after its acceptance = {total / sent.TotalSeconds:N0}/s " +
                              $"({direct.TotalSeconds / sent.TotalSeconds:P0} of Kannel's own rate)");
            if (diverted)
                return; // the reports went elsewhere: nothing to wait for, and no callback to time
            while (await DeliveredAsync(factory) < Warming + total)
                await Task.Delay(20);
            Console.WriteLine($"kannel: every delivery report applied {clock.Elapsed.TotalSeconds:F1} s after the acceptance");

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var links = app.Services.GetRequiredService<SmsCallbacks>();
            List<Guid> ids;
            await using (var db = await factory.CreateDbContextAsync())
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
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<int> DeliveredAsync(IDbContextFactory<TalkNTalkDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Campaigns.SumAsync(c => c.DeliveredCount);
    }
}
