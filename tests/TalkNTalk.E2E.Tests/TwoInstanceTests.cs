using System.Text.Json;
using TalkNTalk.E2E.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// Two app processes on one PostgreSQL database share a 20,000-message campaign; one is killed (SIGKILL) a third of the way.
/// The simulated provider does not de-duplicate and each instance's simulator writes down every message it receives,
/// so what "the network" received can be counted across both. The survivor finishes the campaign alone; afterwards
/// nothing was received twice, what was in flight in the dead instance is Unknown (never sent again), the ledger is
/// exact and the counts equal a GROUP BY of the messages.
/// </summary>
public sealed class TwoInstanceTests(ITestOutputHelper output)
{
    private const string Key = "tk_live_TwoInstanceKey0123456789abcdefAB";
    private const int Recipients = 20_000;
    private const decimal Credit = 25_000m;

    [PostgresFact]
    public async Task One_of_two_instances_killed_mid_campaign_the_other_finishes_it_nothing_sent_twice_and_the_ledger_exact()
    {
        var begun = DateTime.UtcNow;
        await using var database = await PostgresDatabase.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("talkntalk-two-").FullName;
        var logA = Path.Combine(folder, "network-a.log");
        var logB = Path.Combine(folder, "network-b.log");
        try
        {
            // A starts first (it migrates and applies the bootstrap); B starts on the same database and settings while a
            // client makes the campaign through A, which starts sending it alone.
            await using var a = await AppServer.StartAsync(Settings(database, logA));
            var startingB = AppServer.StartAsync(Settings(database, logB));
            var numbers = Enumerable.Range(0, Recipients).Select(i => $"0712{i:D6}").ToArray();
            var creating = a.SendToNewBookAsync(Key, "Annual general meeting", numbers, "The AGM is on Saturday at 10:00 in the main hall. Bring your member card.");
            await using var b = await startingB;
            var campaignId = await creating;
            var started = DateTime.UtcNow;
            output.WriteLine($"two instances up and the campaign created in {(started - begun).TotalSeconds:F1} s");

            // Both instances send; A is killed once a third of the campaign was handed over, with parts in flight.
            var (idA, idB) = (await InstanceIdAsync(database, a), await InstanceIdAsync(database, b));
            await WaitAsync("both instances to hand over a third of the campaign", TimeSpan.FromSeconds(90), async () =>
            {
                var byInstance = await HandedOverAsync(database);
                return byInstance.GetValueOrDefault(idA) > 0 && byInstance.GetValueOrDefault(idB) > 0 && byInstance.Values.Sum() >= Recipients / 3;
            });
            await a.KillAsync();
            var killedAt = DateTime.UtcNow;
            output.WriteLine($"A killed after {(killedAt - started).TotalSeconds:F1} s: {await FiguresAsync(database)}");

            // B alone takes over A's claims and completes the campaign (a process gone on this machine is dead at once).
            await WaitAsync("B to complete the campaign alone", TimeSpan.FromSeconds(120),
                async () => await database.ScalarAsync<string>("SELECT Status FROM campaigns") == "Completed");
            output.WriteLine($"completed by B {(DateTime.UtcNow - killedAt).TotalSeconds:F1} s after the kill: {await FiguresAsync(database)}");
            Assert.Equal(0, await database.ScalarAsync<long>($"SELECT COUNT(*) FROM app_instances WHERE Id = '{idA}'"));

            // The simulated network lived in A's process, so the delivery reports it owed died with it: A comes back (as
            // its supervisor would restart it) and its simulator sends them again, as a real network would once we answer.
            // Settled: no report outstanding, and none of the messages A's network took still unknown.
            var takenByA = Received(logA).Where(r => r.Accepted).Select(r => r.Id).ToHashSet();
            await using var again = await AppServer.StartAsync(Settings(database, logA));
            await WaitAsync("every report owed to be applied", TimeSpan.FromSeconds(60), async () => await PendingAsync(database) == 0
                && !(await database.QueryAsync("SELECT Id FROM messages WHERE Status = 'Unknown'", r => r.GetGuid(0))).Any(takenByA.Contains));
            output.WriteLine($"settled {(DateTime.UtcNow - started).TotalSeconds:F1} s after the send: {await FiguresAsync(database)}");

            await CheckAsync(database, logA, logB, idA, idB);
            await CheckReportedAsync(b, campaignId, database);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static Dictionary<string, string> Settings(PostgresDatabase database, string log)
    {
        var settings = AppServer.Bootstrapped(credit: Credit);
        foreach (var (key, value) in database.Settings())
            settings[key] = value;
        settings["Bootstrap__ApiKey"] = Key;
        settings["SimulatedProvider__Deduplicates"] = "false";
        settings["SimulatedProvider__SubmissionLog"] = log;
        settings["SimulatedProvider__SubmitLatencyMs"] = "20";
        settings["SimulatedProvider__ReceiptDelayMs"] = "300";
        settings["SimulatedProvider__FailureRate"] = "0.02";
        settings["SimulatedProvider__NonDeliveryRate"] = "0.05";
        settings["SimulatedProvider__MessagesPerSecond"] = "1000";
        settings["Dispatch__MaxConcurrency"] = "32";
        return settings;
    }

    // The instance's row, which its dispatcher adds once the database is ready.
    private static async Task<Guid> InstanceIdAsync(PostgresDatabase database, AppServer app)
    {
        var name = $"{Environment.MachineName}:{app.ProcessId}";
        await WaitAsync($"instance {name} to register", TimeSpan.FromSeconds(30),
            async () => await database.ScalarAsync<long>($"SELECT COUNT(*) FROM app_instances WHERE Name = '{name}'") > 0);
        return await database.ScalarAsync<Guid>($"SELECT Id FROM app_instances WHERE Name = '{name}'");
    }

    // Messages past their hand-over, by the instance that claimed them.
    private static async Task<Dictionary<Guid, long>> HandedOverAsync(PostgresDatabase database) =>
        (await database.QueryAsync("SELECT ClaimedBy, COUNT(*) FROM messages WHERE Status NOT IN ('Queued', 'Submitting') AND ClaimedBy IS NOT NULL GROUP BY ClaimedBy",
            r => (r.GetGuid(0), r.GetInt64(1)))).ToDictionary();

    // What an instance's simulated network received, as its submission log has it.
    private static List<(Guid Id, bool Accepted)> Received(string log) =>
        File.ReadAllLines(log).Select(l => l.Split(' ')).Select(p => (Guid.Parse(p[0]), p[1] == "accepted")).ToList();

    private static async Task<long> PendingAsync(PostgresDatabase database) =>
        await database.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE Status IN ('Queued', 'Submitting', 'Held', 'Sent')")
        + await database.ScalarAsync<long>("SELECT COUNT(*) FROM delivery_inbox");

    private static async Task<string> FiguresAsync(PostgresDatabase database) =>
        string.Join(", ", await database.QueryAsync("SELECT Status, COUNT(*) FROM messages GROUP BY Status ORDER BY Status", r => $"{r.GetString(0)} {r.GetInt64(1)}"));

    // Polls the database (no browser here): the condition, or a failure naming what did not happen in time.
    private static async Task WaitAsync(string what, TimeSpan limit, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {limit.TotalSeconds:F0} s for {what}.");
            await Task.Delay(100);
        }
    }

    private static async Task CheckAsync(PostgresDatabase database, string logA, string logB, Guid idA, Guid idB)
    {
        var received = Received(logA).Concat(Received(logB)).ToList();
        var receivedByB = Received(logB).Select(r => r.Id).ToHashSet();
        var messages = await database.QueryAsync("SELECT Id, Status, Cost, ClaimedBy FROM messages",
            r => (Id: r.GetGuid(0), Status: r.GetString(1), Cost: r.GetDecimal(2), ClaimedBy: r.IsDBNull(3) ? (Guid?)null : r.GetGuid(3)));

        // Nothing stuck, and both instances did part of the work.
        Assert.Equal(Recipients, messages.Count);
        Assert.DoesNotContain(messages, m => m.Status is "Queued" or "Submitting" or "Held" or "Sent");
        Assert.Equal("Completed", await database.ScalarAsync<string>("SELECT Status FROM campaigns"));
        Assert.Contains(messages, m => m.ClaimedBy == idA && m.Status != "Unknown");
        Assert.Contains(messages, m => m.ClaimedBy == idB);

        // Nothing received twice, by either instance's network or across them, and what the network took or refused is
        // recorded as such: a message taken by A and left Unknown by its death was settled by the report A's network owed.
        Assert.Equal(received.Count, received.Select(r => r.Id).Distinct().Count());
        var byId = messages.ToDictionary(m => m.Id);
        foreach (var (id, accepted) in received)
            Assert.Contains(byId[id].Status, accepted ? (string[])["Delivered", "Undelivered"] : ["Failed", "Unknown"]);
        var receivedIds = received.Select(r => r.Id).ToHashSet();
        Assert.All(messages.Where(m => m.Status is "Delivered" or "Undelivered" or "Failed"), m => Assert.Contains(m.Id, receivedIds));

        // Unknown: only what A was handing over when it died, and never handed over again by B.
        var unknown = messages.Where(m => m.Status == "Unknown").ToList();
        Assert.All(unknown, m => Assert.Equal(idA, m.ClaimedBy));
        Assert.All(unknown, m => Assert.DoesNotContain(m.Id, receivedByB));

        // The ledger is exact: the campaign's reserve is charged for what went out, refunded for what failed, and still
        // holds what is unknown.
        var charged = messages.Where(m => m.Status is "Delivered" or "Undelivered").Sum(m => m.Cost);
        var refunded = messages.Where(m => m.Status == "Failed").Sum(m => m.Cost);
        var held = unknown.Sum(m => m.Cost);
        var cost = (await database.QueryAsync("SELECT EstimatedCost, ActualCost FROM campaigns", r => (Estimated: r.GetDecimal(0), Actual: r.GetDecimal(1)))).Single();
        var ledger = (await database.QueryAsync("SELECT Kind, SUM(Amount) FROM wallet_ledger GROUP BY Kind", r => (r.GetString(0), r.GetDecimal(1)))).ToDictionary();
        var wallet = (await database.QueryAsync("SELECT Available, Reserved FROM wallets", r => (Available: r.GetDecimal(0), Reserved: r.GetDecimal(1)))).Single();
        Assert.Equal(messages.Sum(m => m.Cost), cost.Estimated);
        Assert.Equal(cost.Estimated, ledger["Reserve"]);
        Assert.Equal(charged, ledger["Charge"]);
        Assert.Equal(refunded, ledger.GetValueOrDefault("Refund"));
        Assert.Equal(charged, cost.Actual);
        Assert.Equal((Credit - charged - held, held), (wallet.Available, wallet.Reserved));
        Assert.Equal(cost.Estimated, ledger["Charge"] + ledger.GetValueOrDefault("Refund") + wallet.Reserved);

        // The counts the pages show equal a GROUP BY of the messages.
        var counts = messages.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => (long)g.Count());
        var stats = (await database.QueryAsync("SELECT Status, SUM(Messages) FROM message_stats GROUP BY Status HAVING SUM(Messages) > 0",
            r => (r.GetString(0), r.GetInt64(1)))).ToDictionary();
        Assert.Equal(counts.OrderBy(c => c.Key), stats.OrderBy(c => c.Key));
        var campaign = (await database.QueryAsync("SELECT SentCount, DeliveredCount, FailedCount FROM campaigns",
            r => (Sent: r.GetInt32(0), Delivered: r.GetInt32(1), Failed: r.GetInt32(2)))).Single();
        Assert.Equal(counts.GetValueOrDefault("Delivered") + counts.GetValueOrDefault("Undelivered"), campaign.Sent);
        Assert.Equal(counts.GetValueOrDefault("Delivered"), campaign.Delivered);
        Assert.Equal(counts.GetValueOrDefault("Failed"), campaign.Failed);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT COUNT(*) FROM delivery_inbox"));
    }

    // What a client sees of it through the survivor: an outcome still unknown keeps the campaign "sent", not "completed".
    private static async Task CheckReportedAsync(AppServer app, Guid campaignId, PostgresDatabase database)
    {
        var unknown = await database.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE Status = 'Unknown'");
        var delivered = await database.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE Status = 'Delivered'");
        var failed = await database.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE Status IN ('Failed', 'Undelivered')");
        using var http = app.ApiClient(Key);
        var view = JsonDocument.Parse(await http.GetStringAsync($"/v1/campaigns/{campaignId}/")).RootElement;
        Assert.Equal(unknown > 0 ? "sent" : "completed", view.GetProperty("status").GetString());
        Assert.Equal(delivered, view.GetProperty("delivered_count").GetInt64());
        Assert.Equal(failed, view.GetProperty("failed_count").GetInt64());
    }
}
