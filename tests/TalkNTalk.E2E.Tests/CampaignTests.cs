using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>Compose, send and watch the campaign run to the end without reloading.</summary>
public sealed class CampaignTests
{
    [Fact]
    public async Task Compose_keeps_a_long_paste_whole_and_turns_Send_off_until_it_fits()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped(credit: 100m));
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await page.OpenAsync("/compose");
        await page.WaitForInteractiveAsync();
        await page.GetByLabel("Or paste numbers").FillAsync("0712 345 678");
        await page.GetByLabel("Or paste numbers").BlurAsync();
        await Expect(page.GetByTestId("recipient-count")).ToContainTextAsync("1 unique recipient");

        await page.GetByTestId("compose-message").FillAsync(new string('x', 10_000));

        await Expect(page.GetByTestId("characters")).ToHaveTextAsync("10,000 characters");
        await Expect(page.GetByTestId("too-long")).ToContainTextAsync("the limit is 10");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true })).ToBeDisabledAsync();
        await Screenshots.SaveAsync(page, "compose-too-long-1366");
    }

    [Fact]
    public async Task A_member_sends_to_a_book_and_watches_the_campaign_complete_live()
    {
        var settings = AppServer.Bootstrapped(credit: 100m);
        settings["SimulatedProvider__SubmitLatencyMs"] = "10";
        settings["SimulatedProvider__ReceiptDelayMs"] = "300";
        settings["SimulatedProvider__NonDeliveryRate"] = "0";
        settings["SimulatedProvider__MessagesPerSecond"] = "10";
        settings["Dispatch__BatchSize"] = "5";
        await using var app = await AppServer.StartAsync(settings);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);

        // A wall screen and a non-Blazor screen on the SignalR hub watch along, in the same signed-in browser.
        var monitor = await page.Context.NewPageAsync();
        await monitor.SetViewportSizeAsync(1920, 1080);
        await monitor.OpenAsync("/monitor");
        var hub = await page.Context.NewPageAsync();
        await hub.GotoAsync("/hub.html");
        await Expect(hub.GetByTestId("hub-state")).ToHaveTextAsync("Connected");
        var eventsBefore = int.Parse(await hub.GetByTestId("hub-events").InnerTextAsync());

        // An address book of 30 customers, imported from CSV.
        await page.OpenAsync("/address-books");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create your first address book" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Customers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Import CSV" }).ClickAsync();
        await page.WaitForInteractiveAsync();
        var csv = "mobile,first_name\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"0712 000 {i:D3},Customer{i}\n"));
        await page.UploadCsvAsync(new FilePayload { Name = "customers.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("report-imported")).ToHaveTextAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the address book" }).ClickAsync();
        await page.WaitForInteractiveAsync();

        // Send to the book, plus a pasted number that is not valid.
        await page.GetByRole(AriaRole.Button, new() { Name = "Send to this book" }).ClickAsync();
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("recipient-count")).ToContainTextAsync("30 unique recipients");
        await page.GetByLabel("Or paste numbers").FillAsync("0712 000 001\n12345");
        await page.GetByLabel("Or paste numbers").BlurAsync();
        await Expect(page.GetByTestId("recipient-count")).ToContainTextAsync("30 unique recipients");
        await Expect(page.GetByTestId("recipient-count")).ToContainTextAsync("1 invalid: 12345");
        await page.GetByLabel("Campaign name").FillAsync("December statements");
        await page.GetByTestId("compose-message").FillAsync("Habari! Your statement is ready. ");
        await Expect(page.GetByTestId("characters")).ToHaveTextAsync("32 characters");
        await Expect(page.GetByTestId("segments")).ToContainTextAsync("1 part");
        await page.GetByTestId("compose-message").FillAsync("Habari! Your statement is ready — karibu 😊");
        await Expect(page.GetByTestId("message-meter")).ToContainTextAsync("Unicode");
        await Expect(page.GetByTestId("estimated-cost")).ToHaveTextAsync("KES 30.00");
        await Screenshots.SaveAsync(page, "compose-1366");

        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync("Send to 30 recipients from ACMEKE now? It reserves KES 30.00");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/campaigns/[0-9a-f-]{36}$"));
        var campaignPath = new Uri(page.Url).AbsolutePath;
        var navigations = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) navigations++; };

        // The counts move on screen while the dispatcher works (about 3 s at 10 messages a second).
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (DateTime.UtcNow < deadline)
        {
            seen.Add(await page.GetByTestId("count-sent").InnerTextAsync());
            if ((await page.GetByTestId("campaign-status").First.InnerTextAsync()).Equals("Completed", StringComparison.OrdinalIgnoreCase))
                break;
            await page.WaitForTimeoutAsync(200);
        }
        await Expect(page.GetByTestId("campaign-status").First).ToHaveTextAsync("Completed");
        await Expect(page.GetByTestId("count-sent")).ToHaveTextAsync("30");
        await Expect(page.GetByTestId("count-delivered")).ToHaveTextAsync("30", new() { Timeout = 10_000 });
        Assert.True(seen.Count >= 3, $"the sent count should change on screen; saw {string.Join(", ", seen)}");
        Assert.Equal(0, navigations);
        await Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("KES 70.00");
        await Expect(page.GetByTestId("progress-chart")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "campaign-detail-1366");

        await Expect(monitor.GetByTestId("monitor-sent").First).ToHaveTextAsync("30");
        await Expect(monitor.Locator("[data-campaign]").First).ToContainTextAsync("Completed");
        await Screenshots.SaveAsync(monitor, "monitor-1920");
        await Expect(hub.GetByTestId("hub-rows")).ToContainTextAsync("completed");
        Assert.True(int.Parse(await hub.GetByTestId("hub-events").InnerTextAsync()) >= eventsBefore + 2);
        await Expect(hub.GetByTestId("hub-rows").Locator("tr").First.Locator("td").Nth(3)).ToHaveTextAsync("30");

        await page.OpenAsync("/");
        await Expect(page.GetByTestId("overview-campaigns")).ToContainTextAsync("December statements");
        await Expect(page.GetByTestId("overview-campaigns")).ToContainTextAsync("30 / 30");
        await Screenshots.SaveAsync(page, "overview-1366");

        await page.OpenAsync("/campaigns");
        await Expect(page.GetByTestId("campaigns-grid")).ToContainTextAsync("Completed");
        await Screenshots.SaveAsync(page, "campaigns-1366");

        // The campaign page and the wall screen at both sizes, light and dark.
        await monitor.SetViewportSizeAsync(1366, 768);
        await Screenshots.SaveAsync(monitor, "monitor-1366");
        await page.SetViewportSizeAsync(1920, 1080);
        await page.OpenAsync(campaignPath);
        await Expect(page.GetByTestId("progress-chart")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("delivered-of-sent")).ToHaveTextAsync("Delivered 100.0% of sent");
        await Screenshots.SaveAsync(page, "campaign-detail-1920");
        await page.Context.AddCookiesAsync([new Cookie { Name = "TalkNTalkTheme", Value = "dark", Url = app.BaseUrl }]);
        await page.OpenAsync(campaignPath);
        await Expect(page.GetByTestId("progress-chart")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "campaign-detail-1920-dark");
        await page.SetViewportSizeAsync(1366, 768);
        await Screenshots.SaveAsync(page, "campaign-detail-1366-dark");
        await monitor.OpenAsync("/monitor");
        await Expect(monitor.GetByTestId("monitor-sent").First).ToHaveTextAsync("30");
        await Screenshots.SaveAsync(monitor, "monitor-1366-dark");
        await monitor.SetViewportSizeAsync(1920, 1080);
        await Screenshots.SaveAsync(monitor, "monitor-1920-dark");
    }

    [Fact]
    public async Task The_campaign_page_follows_counts_finely_and_the_pages_read_well_in_both_themes_at_both_sizes()
    {
        const string key = "tk_live_CampaignPagesE2eKey0123456789abc";
        var settings = AppServer.Bootstrapped(credit: 1000m);
        settings["Bootstrap__ApiKey"] = key;
        settings["SimulatedProvider__SubmitLatencyMs"] = "10";
        settings["SimulatedProvider__ReceiptDelayMs"] = "300";
        settings["SimulatedProvider__MessagesPerSecond"] = "20";
        await using var app = await AppServer.StartAsync(settings);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var numbers = string.Join(", ", Enumerable.Range(1, 200).Select(i => $"\"2547120{i:00000}\""));
        var response = await http.PostAsync("/v1/sms/send-bulk/", new StringContent(
            $$"""{"recipients": [{{numbers}}], "message": "Habari! Your statement is ready.", "sender_id": "ACMEKE"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var campaignId = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("campaign_id").GetString();

        await page.OpenAsync($"/campaigns/{campaignId}");

        // 200 messages in one batch at 20 a second: the page sees the count move in parts of a batch, not at its end.
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (DateTime.UtcNow < deadline)
        {
            seen.Add(await page.GetByTestId("count-sent").InnerTextAsync());
            if ((await page.GetByTestId("campaign-status").First.InnerTextAsync()).Equals("Completed", StringComparison.OrdinalIgnoreCase))
                break;
            await page.WaitForTimeoutAsync(150);
        }
        Assert.True(seen.Count >= 5, $"the sent count should move finely; saw {string.Join(", ", seen)}");
        await Expect(page.GetByTestId("count-delivered")).Not.ToHaveTextAsync("0", new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("delivered-of-sent")).ToContainTextAsync("% of sent");
        await page.WaitForTimeoutAsync(1000); // the last receipts, so the screenshots show the final figures
        await page.OpenAsync($"/campaigns/{campaignId}");
        await Screenshots.SaveAsync(page, "campaign-page-1366");
        await page.SetViewportSizeAsync(1920, 1080);
        await Screenshots.SaveAsync(page, "campaign-page-1920");

        var monitor = await page.Context.NewPageAsync();
        await monitor.SetViewportSizeAsync(1920, 1080);
        await monitor.OpenAsync("/monitor");
        await Expect(monitor.GetByTestId("total-sent")).Not.ToHaveTextAsync("0");
        await Screenshots.SaveAsync(monitor, "wall-1920");
        await monitor.SetViewportSizeAsync(1366, 768);
        await Screenshots.SaveAsync(monitor, "wall-1366");

        await page.Context.AddCookiesAsync([new Cookie { Name = "TalkNTalkTheme", Value = "dark", Url = app.BaseUrl }]);
        await page.OpenAsync($"/campaigns/{campaignId}");
        await Expect(page.GetByTestId("progress-chart")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "campaign-page-1920-dark");
        await page.SetViewportSizeAsync(1366, 768);
        await Screenshots.SaveAsync(page, "campaign-page-1366-dark");
        await monitor.OpenAsync("/monitor");
        await Screenshots.SaveAsync(monitor, "wall-1366-dark");
        await monitor.SetViewportSizeAsync(1920, 1080);
        await Screenshots.SaveAsync(monitor, "wall-1920-dark");
        await page.OpenAsync("/campaigns");
        await Expect(page.GetByTestId("campaigns-grid")).ToContainTextAsync("Completed");
        await Screenshots.SaveAsync(page, "campaign-list-1366-dark");
    }
}
