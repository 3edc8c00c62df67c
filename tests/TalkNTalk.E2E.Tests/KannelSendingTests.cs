using TalkNTalk.E2E.Tests.Infrastructure;
using Xunit.Abstractions;
using static TalkNTalk.E2E.Tests.CrashTests;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// The real app sending through a real Kannel (bearerbox, smsbox and fakesmsc as the operator, on loopback), with
/// Kannel's delivery reports coming back to the app's callback. What fakesmsc printed is what the "network" received.
/// </summary>
public sealed class KannelSendingTests(ITestOutputHelper output)
{
    private const string Key = "tk_live_KannelTestKy0123456789abcdefABCD";

    [Fact]
    public async Task A_campaign_goes_through_Kannel_once_each_and_every_delivery_report_comes_back_with_long_and_unicode_text_intact()
    {
        var folder = Directory.CreateTempSubdirectory("talkntalk-kannel-").FullName;
        await using var kannel = await KannelGateway.StartAsync(Path.Combine(folder, "kannel"));
        await using var app = await AppServer.StartAsync(Settings(kannel, messagesPerSecond: 300), Path.Combine(folder, "app"));
        var numbers = Numbers(300);
        var unicode = "Habari 👋🏾 — karibu! Ωμέγα ✓";
        var long3 = string.Concat(Enumerable.Range(1, 50).Select(i => $"Line {i:D2}. ")).TrimEnd()[..400];

        await app.SendBulkAsync(Key, numbers, "Your statement is ready.");
        await app.SendBulkAsync(Key, ["0799000001"], unicode);
        await app.SendBulkAsync(Key, ["0799000002"], long3);

        await WaitUntilAsync(() => Count(app, "Delivered") == 302, TimeSpan.FromSeconds(60), () => Figures(app));
        var received = kannel.ReceivedMessages;
        Assert.Equal(302, received.Count);
        Assert.Equal(302, received.Select(m => m.Receiver).Distinct().Count()); // once each
        Assert.All(received, m => Assert.True(m.IsComplete));
        Assert.Equal(numbers.Select(Msisdn).Order(), received.Where(m => m.Text == "Your statement is ready.").Select(m => m.Receiver).Order());
        var ucs2 = received.Single(m => m.Receiver == "254799000001");
        Assert.Equal((true, unicode), (ucs2.IsUcs2, ucs2.Text));
        var parts = received.Single(m => m.Receiver == "254799000002");
        Assert.Equal((3, long3), (parts.Total, parts.Text));
        Assert.All(received, m => Assert.Equal("ACMEKE", m.Sender));
        using var db = Open(app.DatabasePath);
        Assert.Equal(3, Scalar<long>(db, "SELECT COUNT(*) FROM campaigns WHERE Status = 'Completed'"));
        Assert.Equal(0, Scalar<long>(db, "SELECT COUNT(*) FROM messages WHERE Status <> 'Delivered'"));
    }

    [Fact]
    public async Task Kannel_stopped_and_the_app_killed_mid_campaign_lose_nothing_and_send_nothing_twice()
    {
        const int recipients = 600;
        var folder = Directory.CreateTempSubdirectory("talkntalk-kannel-").FullName;
        // smsbox sends a report again while the app is down, as a gateway in production would be set up to.
        await using var kannel = await KannelGateway.StartAsync(Path.Combine(folder, "kannel"), new KannelGatewayOptions { CallbackRetries = 60 });
        var settings = Settings(kannel, messagesPerSecond: 100);
        var data = Path.Combine(folder, "app");
        int port;
        await using (var first = await AppServer.StartAsync(settings, data))
        {
            port = first.Port;
            await first.SendBulkAsync(Key, Numbers(recipients), "Your statement is ready.");
            await WaitUntilAsync(() => kannel.ReceivedCount >= 150, TimeSpan.FromSeconds(30), () => Figures(first));
            await kannel.StopAsync(); // the gateway falls over mid-campaign
            await WaitUntilAsync(() => first.Output.Contains("keeps failing", StringComparison.Ordinal), TimeSpan.FromSeconds(20), () => first.Output);
            output.WriteLine($"Kannel down: {Figures(first)}");
            await kannel.RestartAsync();
            await WaitUntilAsync(() => kannel.ReceivedCount >= 400, TimeSpan.FromSeconds(60), () => Figures(first));
            await first.KillAsync(); // and our app dies mid-campaign
            output.WriteLine($"app killed: {Figures(first)}");
        }
        await using var second = await AppServer.StartAsync(settings, data, port);
        await WaitUntilAsync(() => Pending(second) == 0, TimeSpan.FromSeconds(90), () => Figures(second));
        output.WriteLine($"settled: {Figures(second)}");

        var received = kannel.ReceivedMessages.Select(m => m.Receiver).ToList();
        Assert.Equal(received.Count, received.Distinct().Count()); // nothing sent twice
        using var db = Open(second.DatabasePath);
        var messages = Query(db, "SELECT Address, Status FROM messages", r => (Address: r.GetString(0), Status: r.GetString(1)));
        Assert.Equal(recipients, messages.Count);
        // Every message the operator received is delivered; one it never received is either still to send or, handed
        // over when the app died without reaching Kannel, waits as Unknown for an admin. Nothing else.
        var got = received.ToHashSet();
        Assert.All(messages, m => Assert.Equal(got.Contains(m.Address) ? "Delivered" : "Unknown", m.Status));
        // At most the two parts in flight (a quarter second each at 100/s: 25) were marked and had not all reached Kannel.
        Assert.True(messages.Count(m => m.Status == "Unknown") <= 2 * 25, Figures(second));
        Assert.Equal("Completed", Scalar<string>(db, "SELECT Status FROM campaigns"));
    }

    [Fact]
    public async Task A_wrong_Kannel_password_sends_nothing_charges_nothing_and_says_why()
    {
        var folder = Directory.CreateTempSubdirectory("talkntalk-kannel-").FullName;
        await using var kannel = await KannelGateway.StartAsync(Path.Combine(folder, "kannel"));
        var settings = Settings(kannel, messagesPerSecond: 50);
        settings["Sms__Kannel__Password"] = "not-the-password";
        await using var app = await AppServer.StartAsync(settings, Path.Combine(folder, "app"));

        await app.SendBulkAsync(Key, Numbers(5), "Your statement is ready.");
        await WaitUntilAsync(() => app.Output.Contains("keeps failing", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => app.Output);

        Assert.Contains("Kannel refused the sendsms username or password", app.Output);
        // The round in flight when the circuit opened is handed back to the queue once its answers are recorded.
        await WaitUntilAsync(() => Count(app, "Queued") == 5, TimeSpan.FromSeconds(10), () => Figures(app));
        Assert.Empty(kannel.Received);
        using var db = Open(app.DatabasePath);
        Assert.Equal(0m, Query(db, "SELECT ActualCost FROM campaigns", r => Money(r, 0)).Single());
        Assert.Equal(0, Scalar<long>(db, "SELECT COUNT(*) FROM wallet_ledger WHERE Kind = 'Charge'"));
    }

    private static Dictionary<string, string> Settings(KannelGateway kannel, int messagesPerSecond)
    {
        var settings = AppServer.Bootstrapped(credit: 5_000m);
        settings["Bootstrap__ApiKey"] = Key;
        settings["Sms__Provider"] = "Kannel";
        settings["Sms__Kannel__SendSmsUrl"] = kannel.SendSmsUrl;
        settings["Sms__Kannel__Username"] = kannel.Username;
        settings["Sms__Kannel__Password"] = kannel.Password;
        settings["Sms__Kannel__MessagesPerSecond"] = messagesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Dispatch__MaxConcurrency"] = "16";
        return settings;
    }

    private static string[] Numbers(int count) => Enumerable.Range(0, count).Select(i => $"0712{i:D6}").ToArray();

    private static string Msisdn(string local) => "254" + local[1..];

    private static long Count(AppServer app, string status)
    {
        using var db = Open(app.DatabasePath);
        return Scalar<long>(db, $"SELECT COUNT(*) FROM messages WHERE Status = '{status}'");
    }

    private static long Pending(AppServer app)
    {
        using var db = Open(app.DatabasePath);
        return Scalar<long>(db, "SELECT COUNT(*) FROM messages WHERE Status IN ('Queued', 'Submitting', 'Sent')") + Scalar<long>(db, "SELECT COUNT(*) FROM delivery_inbox");
    }

    private static string Figures(AppServer app)
    {
        using var db = Open(app.DatabasePath);
        return string.Join(", ", Query(db, "SELECT Status, COUNT(*) FROM messages GROUP BY Status", r => $"{r.GetString(0)} {r.GetInt64(1)}"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> state)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s: {state()}");
            await Task.Delay(100);
        }
    }
}
