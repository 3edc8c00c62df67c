using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Providers;
using TalkNTalk.Dashboard;
using TalkNTalk.E2E.Tests.Infrastructure;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// Mode <c>kannel</c>: a real Kannel (bearerbox, smsbox, fakesmsc on loopback, as the tests run it). First Kannel's own
/// rate: 20,000 messages fed straight into its sendsms interface by 64 concurrent clients, timed until fakesmsc has
/// them all. Then ours: a 20,000-message campaign through the app (dispatcher, circuit, Kannel provider) timed from the
/// send to the last message at fakesmsc, and then until every delivery report is applied. Last, the report callback's
/// own throughput: 20,000 Kannel reports posted at it by 64 clients. TALKNTALK_BENCH_KANNEL sets the count.
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
            var direct = await DirectAsync(kannel, total);
            Console.WriteLine($"kannel: sendsms fed directly by {Clients} clients: {total:N0} messages in {direct.TotalSeconds:F1} s = {total / direct.TotalSeconds:N0}/s");
            await ThroughAppAsync(kannel, total, folder, direct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<TimeSpan> DirectAsync(KannelGateway kannel, int total)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, total, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (i, ct) =>
        {
            var url = QueryHelpers.AddQueryString(kannel.SendSmsUrl, new Dictionary<string, string?>
            {
                ["username"] = kannel.Username, ["password"] = kannel.Password, ["from"] = "ACMEKE", ["to"] = $"254711{i:D6}",
                ["text"] = "Your statement is ready.", ["charset"] = "UTF-8",
            });
            using var response = await http.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
        });
        await kannel.WaitForReceivedAsync(total, TimeSpan.FromMinutes(10));
        return clock.Elapsed;
    }

    private static async Task ThroughAppAsync(KannelGateway kannel, int total, string folder, TimeSpan direct)
    {
        var app = DashboardHost.Build([
            "--urls", "http://127.0.0.1:0", "--environment", "Production", "--applicationName", "TalkNTalk.Dashboard", "--Logging:LogLevel:Default", "Warning",
            $"--Database:Path={Path.Combine(folder, "app", "talkntalk.db")}", "--Bootstrap:OrganisationName=Bench Kenya", "--Bootstrap:AdminEmail=bench@bench.co.ke",
            "--Bootstrap:AdminPassword=bench-password-1", "--Bootstrap:DefaultSenderId=ACMEKE", "--Bootstrap:OpeningCredit=1000000",
            "--Sms:Provider=Kannel", $"--Sms:Kannel:SendSmsUrl={kannel.SendSmsUrl}", $"--Sms:Kannel:Username={kannel.Username}",
            $"--Sms:Kannel:Password={kannel.Password}", "--Sms:Kannel:MessagesPerSecond=0", $"--Dispatch:MaxConcurrency={Environment.GetEnvironmentVariable("TALKNTALK_BENCH_WIDTH") ?? Clients.ToString()}", "--Dispatch:BatchSize=2000",
            $"--Sending:MaxRecipientsPerBulkCall={total}", .. (Environment.GetEnvironmentVariable("TALKNTALK_BENCH_CALLBACK") is { } cb ? new[] { $"--Sms:CallbackBaseUrl={cb}" } : []),
        ]);
        await app.StartAsync();
        try
        {
            var factory = app.Services.GetRequiredService<IDbContextFactory<TalkNTalkDbContext>>();
            Guid organisation;
            await using (var db = await factory.CreateDbContextAsync())
                organisation = await db.Organisations.Select(o => o.Id).SingleAsync();
            var before = kannel.Received.Count;
            var clock = Stopwatch.StartNew();
            await app.Services.GetRequiredService<CampaignService>().SendBulkAsync(new SendRequest
            {
                OrganisationId = organisation, Message = "Your statement is ready.", Numbers = Enumerable.Range(0, total).Select(i => $"0712{i:D6}").ToList(),
            });
            await kannel.WaitForReceivedAsync(before + total, TimeSpan.FromMinutes(10));
            var sent = clock.Elapsed;
            while (await DeliveredAsync(factory) < total)
                await Task.Delay(20);
            var settled = clock.Elapsed;
            Console.WriteLine($"kannel: our campaign of {total:N0} through Kannel: all at the SMSC in {sent.TotalSeconds:F1} s = {total / sent.TotalSeconds:N0}/s " +
                              $"({direct.TotalSeconds / sent.TotalSeconds:P0} of Kannel's own rate); every report applied at {settled.TotalSeconds:F1} s");

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var links = app.Services.GetRequiredService<SmsCallbacks>();
            List<Guid> ids;
            await using (var db = await factory.CreateDbContextAsync())
                ids = await db.Messages.Select(m => m.Id).ToListAsync();
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
