using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// Two app instances on one PostgreSQL database: a browser signed in on B watches the campaign list, the wall screen
/// and a campaign's page while only A sends that campaign. Whatever B's pages show of its progress came from A, through
/// the backplane that feeds each instance's notifiers.
/// </summary>
public sealed class LivePagesAcrossInstancesTests(ITestOutputHelper output)
{
    private const string Key = "tk_live_LiveAcrossKey0123456789abcdefABC";
    private const int Recipients = 600;
    private const string CampaignName = "Quarterly statements";

    [PostgresFact]
    public async Task A_browser_on_instance_B_follows_a_campaign_instance_A_sends_without_reloading()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var a = await AppServer.StartAsync(SettingsOfA(database));
        await using var b = await AppServer.StartAsync(SettingsOfB(database));
        await OpenCircuitOfBAsync(b);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(b.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        var monitor = await page.Context.NewPageAsync();
        await monitor.SetViewportSizeAsync(1920, 1080);
        await monitor.OpenAsync("/monitor");
        await page.OpenAsync("/campaigns");
        var navigations = 0;
        monitor.FrameNavigated += (_, frame) => { if (frame == monitor.MainFrame) navigations++; };

        // Sent through A's API: B's list shows the new campaign, then its page the counts as A moves them.
        var campaignId = await a.SendToNewBookAsync(Key, CampaignName, Enumerable.Range(0, Recipients).Select(i => $"0712{i:D6}").ToArray(),
            "Your quarterly statement is ready in the app.");
        await Expect(page.GetByTestId("campaigns-grid")).ToContainTextAsync(CampaignName);
        await page.OpenAsync($"/campaigns/{campaignId}");
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) navigations++; };

        var seen = new List<string>();
        DateTime? completedInDatabase = null, completedOnPage = null;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (completedOnPage is null && DateTime.UtcNow < deadline)
        {
            var sent = await page.GetByTestId("count-sent").InnerTextAsync();
            if (seen.LastOrDefault() != sent)
                seen.Add(sent);
            completedInDatabase ??= await database.ScalarAsync<string>($"SELECT Status FROM campaigns WHERE Id = '{campaignId}'") == "Completed" ? DateTime.UtcNow : null;
            if ((await page.GetByTestId("campaign-status").First.InnerTextAsync()).Equals("Completed", StringComparison.OrdinalIgnoreCase))
                completedOnPage = DateTime.UtcNow;
            else
                await page.WaitForTimeoutAsync(100);
        }
        output.WriteLine($"B's page showed sent = {string.Join(", ", seen)}; completed there {(completedOnPage - completedInDatabase)?.TotalSeconds:F2} s after the database");
        await Expect(page.GetByTestId("campaign-status").First).ToHaveTextAsync("Completed", new() { Timeout = 1 });
        await Expect(page.GetByTestId("count-sent")).ToHaveTextAsync(Recipients.ToString("N0"));
        Assert.True(seen.Count >= 4, $"B's page should follow the sent count as A moves it; saw {string.Join(", ", seen)}");
        await Screenshots.SaveAsync(page, "campaign-on-instance-b-1366");

        var tile = monitor.Locator($"[data-campaign='{campaignId}']");
        await Expect(tile.GetByTestId("monitor-sent")).ToHaveTextAsync(Recipients.ToString("N0"));
        await Expect(tile).ToContainTextAsync("Completed");
        Assert.Equal(0, navigations);
        // B sent none of it: its own gateway was down throughout.
        Assert.Equal(0, await database.ScalarAsync<long>($"""
            SELECT COUNT(*) FROM messages m JOIN app_instances i ON i.Id = m.ClaimedBy
            WHERE m.CampaignId = '{campaignId}' AND i.Name = '{Environment.MachineName}:{b.ProcessId}'
            """));
    }

    // A sends at 30 a second, so the campaign runs for about twenty seconds. Its network reports deliveries only after the
    // test: a report is applied by whichever instance finds it first, and B applying one would publish on B by itself.
    private static Dictionary<string, string> SettingsOfA(PostgresDatabase database)
    {
        var settings = Common(database);
        settings["SimulatedProvider__SubmitLatencyMs"] = "10";
        settings["SimulatedProvider__MessagesPerSecond"] = "30";
        settings["SimulatedProvider__ReceiptDelayMs"] = "600000";
        return settings;
    }

    // B's SMS gateway is unreachable (a Kannel on a port nobody listens on), and once its circuit opens it stays open for
    // the whole test: B's dispatcher claims nothing, so B's pages can only learn of the campaign from A.
    private static Dictionary<string, string> SettingsOfB(PostgresDatabase database)
    {
        var settings = Common(database);
        settings["Sms__Provider"] = "Kannel";
        settings["Sms__Kannel__SendSmsUrl"] = $"http://127.0.0.1:{AppServer.FreePort()}/cgi-bin/sendsms";
        settings["Sms__Kannel__Username"] = "tester";
        settings["Sms__Kannel__Password"] = "foobar";
        settings["Sms__Circuit__FirstBreakSeconds"] = "600";
        settings["Sms__Circuit__LongestBreakSeconds"] = "600";
        return settings;
    }

    private static Dictionary<string, string> Common(PostgresDatabase database)
    {
        var settings = AppServer.Bootstrapped(credit: 1_000m);
        foreach (var (key, value) in database.Settings())
            settings[key] = value;
        settings["Bootstrap__ApiKey"] = Key;
        return settings;
    }

    // A few messages sent through B open its circuit (A sends them in the end); from then on B waits and claims nothing.
    private async Task OpenCircuitOfBAsync(AppServer b)
    {
        await b.SendBulkAsync(Key, Enumerable.Range(0, 30).Select(i => $"0722{i:D6}").ToArray(), "Warming up.");
        using var http = new HttpClient { BaseAddress = new Uri(b.BaseUrl) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string health;
        while (!(health = await http.GetStringAsync("/healthz")).Contains("is failing", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"B's SMS circuit did not open: {health}");
            await Task.Delay(100);
        }
        output.WriteLine($"B: {health}");
    }
}
