using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using TalkNTalk.E2E.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// The real app process killed with SIGKILL at random points of a campaign, restarted on the same database each
/// time, with a simulated provider that does not de-duplicate and writes down every message it receives. Afterwards:
/// nothing stuck, nothing received twice, every report applied, the ledger exact, the counts equal to a GROUP BY.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const string Key = "tk_live_CrashTestKey0123456789abcdefABCD";
    private const int Recipients = 3_000;
    private const decimal Credit = 10_000m;

    [Fact]
    public async Task Killed_at_random_points_the_app_loses_nothing_sends_nothing_twice_and_keeps_the_ledger_exact()
    {
        var folder = Directory.CreateTempSubdirectory("talkntalk-crash-").FullName;
        var log = Path.Combine(folder, "simulated-network.log");
        var settings = AppServer.Bootstrapped(credit: Credit);
        settings["Bootstrap__ApiKey"] = Key;
        settings["SimulatedProvider__Deduplicates"] = "false";
        settings["SimulatedProvider__SubmissionLog"] = log;
        settings["SimulatedProvider__SubmitLatencyMs"] = "2";
        settings["SimulatedProvider__ReceiptDelayMs"] = "300";
        settings["SimulatedProvider__FailureRate"] = "0.02";
        settings["SimulatedProvider__NonDeliveryRate"] = "0.05";
        settings["SimulatedProvider__MessagesPerSecond"] = "800";
        settings["Dispatch__MaxConcurrency"] = "16";
        var random = new Random(20261202);
        try
        {
            await using (var first = await AppServer.StartAsync(settings, folder))
            {
                using var http = first.ApiClient(Key);
                var numbers = Enumerable.Range(0, Recipients).Select(i => $"0712{i:D6}").ToArray();
                var sent = await http.PostAsJsonAsync("/v1/sms/send-bulk/", new { recipients = numbers, message = "Your statement is ready. Reply STOP to opt out." });
                Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
                await Task.Delay(random.Next(200, 900));
                await first.KillAsync();
            }
            for (var kill = 1; kill <= 4; kill++)
            {
                await using var next = await AppServer.StartAsync(settings, folder);
                await Task.Delay(random.Next(200, 900));
                output.WriteLine($"kill {kill}: {Figures(next.DatabasePath)}");
                await next.KillAsync();
            }
            await using (var last = await AppServer.StartAsync(settings, folder))
            {
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (Pending(last.DatabasePath) > 0 && DateTime.UtcNow < deadline)
                    await Task.Delay(200);
                output.WriteLine($"settled: {Figures(last.DatabasePath)}");
                await last.KillAsync();
            }

            Check(Path.Combine(folder, "talkntalk.db"), log);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Check(string database, string log)
    {
        var received = File.ReadAllLines(log).Select(l => l.Split(' ')).Select(p => (Id: Guid.Parse(p[0]), Accepted: p[1] == "accepted")).ToList();
        using var db = Open(database);
        var messages = Query(db, "SELECT Id, Status, Cost FROM messages", r => (Id: Guid.Parse(r.GetString(0)), Status: r.GetString(1), Cost: Money(r, 2)));

        // Nothing stuck: every message reached an end (or, handed over when a process died, waits as Unknown for an admin).
        Assert.Equal(Recipients, messages.Count);
        Assert.DoesNotContain(messages, m => m.Status is "Queued" or "Submitting" or "Held" or "Sent");
        Assert.Equal("Completed", Scalar<string>(db, "SELECT Status FROM campaigns"));

        // Nothing received twice, and everything the network took or refused is recorded as such.
        Assert.Equal(received.Count, received.Select(r => r.Id).Distinct().Count());
        var byId = messages.ToDictionary(m => m.Id);
        foreach (var (id, accepted) in received)
            Assert.Contains(byId[id].Status, accepted ? (string[])["Delivered", "Undelivered", "Unknown"] : ["Failed", "Unknown"]);
        var receivedIds = received.Select(r => r.Id).ToHashSet();
        Assert.All(messages.Where(m => m.Status is "Delivered" or "Undelivered" or "Failed"), m => Assert.Contains(m.Id, receivedIds));

        // The ledger is exact: charged what went out, refunded what failed, still holding what is unknown.
        var charged = messages.Where(m => m.Status is "Delivered" or "Undelivered").Sum(m => m.Cost);
        var unknown = messages.Where(m => m.Status == "Unknown").Sum(m => m.Cost);
        var (available, reserved) = Query(db, "SELECT Available, Reserved FROM wallets", r => (Money(r, 0), Money(r, 1))).Single();
        Assert.Equal((Credit - charged - unknown, unknown), (available, reserved));
        Assert.Equal(charged, Query(db, "SELECT Amount FROM wallet_ledger WHERE Kind = 'Charge'", r => Money(r, 0)).Sum());
        Assert.Equal(charged, Query(db, "SELECT ActualCost FROM campaigns", r => Money(r, 0)).Single());

        // The counts the pages show equal a GROUP BY of the messages.
        var counts = messages.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => g.Count());
        var stats = Query(db, "SELECT Status, SUM(Messages) FROM message_stats GROUP BY Status HAVING SUM(Messages) > 0", r => (r.GetString(0), r.GetInt32(1))).ToDictionary();
        Assert.Equal(counts.OrderBy(c => c.Key), stats.OrderBy(c => c.Key));
        var (sentCount, deliveredCount, failedCount) = Query(db, "SELECT SentCount, DeliveredCount, FailedCount FROM campaigns", r => (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2))).Single();
        Assert.Equal(counts.GetValueOrDefault("Delivered") + counts.GetValueOrDefault("Undelivered"), sentCount);
        Assert.Equal(counts.GetValueOrDefault("Delivered"), deliveredCount);
        Assert.Equal(counts.GetValueOrDefault("Failed"), failedCount);
        Assert.Equal(0, Scalar<long>(db, "SELECT COUNT(*) FROM delivery_inbox"));
    }

    private static long Pending(string database)
    {
        using var db = Open(database);
        return Scalar<long>(db, "SELECT COUNT(*) FROM messages WHERE Status IN ('Queued', 'Submitting', 'Held', 'Sent')")
               + Scalar<long>(db, "SELECT COUNT(*) FROM delivery_inbox");
    }

    private static string Figures(string database)
    {
        using var db = Open(database);
        return string.Join(", ", Query(db, "SELECT Status, COUNT(*) FROM messages GROUP BY Status", r => $"{r.GetString(0)} {r.GetInt64(1)}"));
    }

    internal static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    internal static decimal Money(SqliteDataReader reader, int column) => decimal.Parse(reader.GetString(column), CultureInfo.InvariantCulture);

    internal static List<T> Query<T>(SqliteConnection db, string sql, Func<SqliteDataReader, T> read)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(read(reader));
        return rows;
    }

    internal static T Scalar<T>(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }
}
