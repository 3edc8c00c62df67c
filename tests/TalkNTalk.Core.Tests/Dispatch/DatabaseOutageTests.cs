using Microsoft.EntityFrameworkCore;
using Npgsql;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Tests.Infrastructure;
using static TalkNTalk.Core.Tests.Dispatch.DispatcherTests;

namespace TalkNTalk.Core.Tests.Dispatch;

/// <summary>PostgreSQL going away mid-campaign (every connection cut, as a restart or failover does): nothing lost, nothing sent twice.</summary>
public sealed class DatabaseOutageTests
{
    [PostgresFact]
    public async Task Connections_cut_mid_campaign_lose_nothing_and_send_nothing_twice()
    {
        var log = Path.GetTempFileName();
        var settings = new Dictionary<string, string?>(FastProvider)
        {
            ["SimulatedProvider:Deduplicates"] = "false",
            ["SimulatedProvider:SubmissionLog"] = log,
        };
        await using var services = await TestServices.StartAsync(settings);
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await SendAsync(services, org, 200);
        var provider = services.Get<SimulatedSmsProvider>();
        var dispatcher = NewDispatcher(services, provider);
        await dispatcher.RecoverAsync();

        var failures = 0;
        for (var cycle = 0; cycle < 200; cycle++)
        {
            if (cycle is 1 or 3 or 5)
                await CutEveryConnectionAsync(services);
            try
            {
                if (!await dispatcher.RunOnceAsync() && cycle > 5)
                    break;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                failures++; // the host's loop logs it and tries again
            }
        }

        var received = File.ReadAllLines(log).Select(l => l.Split(' ')).ToDictionary(p => Guid.Parse(p[0]), p => p[1]); // a repeat would throw
        await using var db = services.NewDb();
        var messages = await db.Messages.ToListAsync();
        Assert.DoesNotContain(messages, m => m.Status is MessageStatus.Queued or MessageStatus.Submitting);
        // What the network took is recorded taken; anything whose answer the cut lost is unknown, never re-sent.
        Assert.All(messages.Where(m => m.Status != MessageStatus.Unknown), m => Assert.True(received.ContainsKey(m.Id)));
        Assert.Equal(CampaignStatus.Completed, (await db.Campaigns.SingleAsync()).Status);
        var charged = messages.Where(m => m.Status is MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Undelivered).Sum(m => m.Cost);
        var unknown = messages.Where(m => m.Status == MessageStatus.Unknown).Sum(m => m.Cost);
        var wallet = await db.Wallets.SingleAsync();
        Assert.Equal((500m - charged - unknown, unknown), (wallet.Available, wallet.Reserved));
        File.Delete(log);
    }

    private static async Task CutEveryConnectionAsync(TestServices services)
    {
        var database = new NpgsqlConnectionStringBuilder(services.Database.ConnectionString).Database;
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer) { Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        await using var cut = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", admin);
        cut.Parameters.AddWithValue("db", database!);
        await cut.ExecuteScalarAsync();
    }
}
