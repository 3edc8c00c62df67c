using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>Finding a message: filter, open, bookmark and reload, watch its receipt arrive, export; and the overview's figures.</summary>
public sealed class MessageExplorerTests
{
    private const string Key = "tk_live_Explorer0123456789abcdefghijklmn";

    private static async Task<AppServer> StartWithMessagesAsync(int receiptDelayMs)
    {
        var settings = AppServer.Bootstrapped(credit: 500m);
        settings["Bootstrap__ApiKey"] = Key;
        settings["SimulatedProvider__SubmitLatencyMs"] = "0";
        settings["SimulatedProvider__ReceiptDelayMs"] = receiptDelayMs.ToString();
        settings["SimulatedProvider__NonDeliveryRate"] = "0";
        var app = await AppServer.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        // Eight numbers, three of them 0722 55x xxx; the second send reaches two of those again.
        var first = await http.PostAsJsonAsync("/v1/sms/send-bulk/", new
        {
            recipients = new[] { "254722551001", "254722552002", "0722 553 003", "254733100100", "254712000001" },
            message = "Your statement for November is ready.",
        });
        var second = await http.PostAsJsonAsync("/v1/sms/send-bulk/", new
        {
            recipients = new[] { "254722551001", "254722552002", "254770200200" },
            message = "Reminder: your loan instalment is due on Friday.",
        });
        Assert.True(first.IsSuccessStatusCode && second.IsSuccessStatusCode, await first.Content.ReadAsStringAsync() + await second.Content.ReadAsStringAsync());
        return app;
    }

    [Fact]
    public async Task Support_finds_a_message_bookmarks_the_view_sees_its_receipt_arrive_and_exports_it()
    {
        await using var app = await StartWithMessagesAsync(receiptDelayMs: 20_000);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);

        await page.OpenAsync("/messages");
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("8 messages");

        // A number typed the local way, with a space; Enter searches.
        await page.GetByTestId("filter-address").FillAsync("0722 55");
        await page.GetByTestId("filter-address").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex(@"address=0722(%20|\+)55"));
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("5 messages");

        // Oldest first, then open the oldest message of 0722 551 001.
        await page.GetByTestId("sort-created").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("sort=oldest"));
        await Expect(page.GetByTestId("message-grid").Locator("tbody tr").First).ToContainTextAsync("Your statement");
        await page.GetByRole(AriaRole.Link, new() { Name = "+254 722 551 001" }).First.ClickAsync();
        var detail = page.GetByTestId("message-detail");
        await Expect(detail).ToContainTextAsync("SMS to +254 722 551 001");
        await Expect(page.GetByTestId("detail-body")).ToHaveTextAsync("Your statement for November is ready.");
        await Expect(page.GetByTestId("status-history")).ToContainTextAsync("Queued");
        await Expect(page).ToHaveURLAsync(new Regex("message=[0-9a-f-]{36}"));
        await Screenshots.SaveAsync(page, "explorer-detail-1366");

        // The address bar is the view: a reload (or a bookmark) opens the same filters, order and message.
        var bookmark = page.Url;
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        Assert.Equal(bookmark, page.Url);
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("5 messages");
        await Expect(page.GetByTestId("filter-address")).ToHaveValueAsync("0722 55");
        await Expect(detail).ToContainTextAsync("SMS to +254 722 551 001");
        await Expect(page.GetByTestId("detail-body")).ToHaveTextAsync("Your statement for November is ready.");

        // The receipt arrives while the page is open: the badges change without a navigation.
        var navigations = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) navigations++; };
        await Expect(detail.GetByTestId("message-status")).ToHaveTextAsync("Sent", new() { Timeout = 8_000 });
        await Expect(detail.GetByTestId("message-status")).ToHaveTextAsync("Delivered", new() { Timeout = 40_000 });
        await Expect(page.GetByTestId("status-history")).ToContainTextAsync("Confirmed delivered to the handset");
        await Expect(page.GetByTestId("message-grid").GetByTestId("message-status").Filter(new() { HasText = "Delivered" })).ToHaveCountAsync(5, new() { Timeout = 20_000 });
        Assert.Equal(0, navigations);

        // Export the view: the browser downloads a CSV of exactly these messages, and the page reports the end.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path!)).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("\uFEFFid,created_at,channel,recipient", lines[0]);
        Assert.Equal(6, lines.Count);
        Assert.All(lines.Skip(1), line => Assert.Contains(",25472255", line));
        await Expect(page.GetByTestId("export-progress")).ToContainTextAsync("Export finished: 5 messages");

        // Closing the panel keeps the filters; clearing them shows everything again.
        await page.GetByTestId("detail-close").ClickAsync();
        await Expect(detail).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("5 messages");
        await page.GetByTestId("filter-clear").ClickAsync();
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("8 messages");
        await page.SetViewportSizeAsync(1920, 1080);
        await Screenshots.SaveAsync(page, "explorer-1920");

        // The campaign filter lists recent campaigns before anything is typed, each with its date and sender.
        await page.GetByTestId("filter-campaign").ClickAsync();
        await Expect(page.Locator(".campaign-choice").First).ToContainTextAsync("ACMEKE");
        await Screenshots.SaveAsync(page, "explorer-campaigns-1920");
        await page.Keyboard.PressAsync("Escape");

        await page.Context.AddCookiesAsync([new() { Name = "TalkNTalkTheme", Value = "dark", Url = app.BaseUrl }]);
        await page.OpenAsync("/messages?mobile=0722");
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("5 messages");
        await Screenshots.SaveAsync(page, "explorer-dark-1920");
    }

    [Fact]
    public async Task Bad_filters_in_the_address_give_clear_messages_not_an_error_page()
    {
        await using var app = await StartWithMessagesAsync(receiptDelayMs: 0);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);

        await page.OpenAsync("/messages?status=lost&network=orange&channel=sms&mobile=abc&campaign=42");
        var warnings = page.GetByTestId("filter-warning");
        await Expect(warnings.Filter(new() { HasText = "Unknown status \"lost\"" })).ToHaveCountAsync(1);
        await Expect(warnings.Filter(new() { HasText = "Unknown network \"orange\"" })).ToHaveCountAsync(1);
        await Expect(warnings.Filter(new() { HasText = "\"abc\" is not part of a phone number" })).ToHaveCountAsync(1);
        await Expect(warnings.Filter(new() { HasText = "\"42\" is not a campaign id" })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("0 messages");

        await page.OpenAsync("/messages?from=2026-12-01&to=2026-11-01");
        await Expect(warnings).ToContainTextAsync("after the end date");
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("0 messages");

        await page.OpenAsync("/messages?page=999");
        await Expect(warnings).ToContainTextAsync("There is no page 999");
        await page.OpenAsync($"/messages?campaign={Guid.NewGuid()}");
        await Expect(warnings).ToContainTextAsync("That campaign does not exist");
        await page.OpenAsync("/messages?from=yesterday");
        await Expect(warnings).ToContainTextAsync("The from date \"yesterday\" was ignored");
        await Expect(page.GetByTestId("message-total")).ToHaveTextAsync("8 messages");
    }

    [Fact]
    public async Task Every_overview_figure_opens_the_explorer_on_the_same_count()
    {
        await using var app = await StartWithMessagesAsync(receiptDelayMs: 0);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);

        await page.OpenAsync("/");
        await Expect(page.GetByTestId("kpi-messages").Locator(".stat-value")).ToHaveTextAsync("8");
        await Expect(page.GetByTestId("daily-link").Filter(new() { HasText = "Delivered" })).ToContainTextAsync("8", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("chart-daily").Locator("svg").Last).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "overview-charts-1366");
        await page.SetViewportSizeAsync(1920, 1080);
        await Screenshots.SaveAsync(page, "overview-charts-1920");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots.Folder, "overview-charts-full-1920.png"), FullPage = true });
        await page.Context.AddCookiesAsync([new() { Name = "TalkNTalkTheme", Value = "dark", Url = app.BaseUrl }]);
        await page.OpenAsync("/");
        await Expect(page.GetByTestId("chart-daily").Locator("svg").Last).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "overview-charts-dark-1920");

        var links = new List<(string Href, string Count)>();
        foreach (var testId in new[] { "kpi-messages", "kpi-delivered", "daily-link", "network-link", "network-delivered-link", "sender-link" })
        {
            foreach (var link in await page.GetByTestId(testId).AllAsync())
            {
                var count = await link.GetAttributeAsync("data-count") ?? await link.Locator("[data-count]").GetAttributeAsync("data-count");
                links.Add((await link.GetAttributeAsync("href") ?? "", count!));
            }
        }
        Assert.True(links.Count >= 8, $"expected a link per figure, found {links.Count}");
        foreach (var (href, count) in links)
        {
            await page.OpenAsync("/" + href);
            var expected = int.Parse(count);
            await Expect(page.GetByTestId("message-total")).ToHaveTextAsync($"{expected:N0} {(expected == 1 ? "message" : "messages")}");
        }
    }
}
