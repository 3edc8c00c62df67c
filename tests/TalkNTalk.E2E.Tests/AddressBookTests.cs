using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>A team member building an address book from an Excel export, then cleaning it.</summary>
public sealed class AddressBookTests
{
    // As Excel saves it in a Kenyan locale: BOM, semicolons, a spreadsheet-mangled number, a duplicate and bad rows.
    private const string Csv =
        "\uFEFFPhone;First Name;Last Name;Branch\r\n" +
        "0712 345 678;Wanjiku;Kamau;Westlands\r\n" +
        "+254733111222;Otieno;Odhiambo;Kisumu\r\n" +
        "0712345678;Wanjiku;Kamau;Westlands\r\n" +
        "12345;Bad;Number;Nowhere\r\n" +
        "2.54722000111E+11;Akinyi;Njeri;Mombasa\r\n" +
        "+44 20 7946 0958;Foreign;Person;London\r\n";

    [Fact]
    public async Task Member_creates_a_book_imports_a_csv_searches_opts_out_and_exports()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped());
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await page.OpenAsync("/address-books");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create your first address book" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Customers");
        await page.GetByLabel("Description").FillAsync("From the March Excel export");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Customers");
        var bookUrl = page.Url;

        // Import: the preview suggests the mobile column; the report counts every kind of row.
        await page.GetByRole(AriaRole.Button, new() { Name = "Import CSV" }).ClickAsync();
        await page.WaitForInteractiveAsync();
        await page.UploadCsvAsync(new FilePayload { Name = "customers.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(Csv) });
        await Expect(page.GetByTestId("preview")).ToContainTextAsync("Wanjiku");
        await page.GetByLabel("Column Branch").SelectOptionAsync("Custom");
        await Screenshots.SaveAsync(page, "address-book-import-map-1366");
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("report-imported")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("report-duplicates")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("report-invalid")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("invalid-rows")).ToContainTextAsync("12345");
        await Expect(page.GetByTestId("invalid-rows").GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("5");
        await Screenshots.SaveAsync(page, "address-book-import-report-1366");

        var invalidDownload = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-invalid").ClickAsync());
        var invalidCsv = await File.ReadAllTextAsync(await invalidDownload.PathAsync());
        Assert.Contains("12345", invalidCsv);
        Assert.Contains("+44 20 7946 0958", invalidCsv);

        // Importing the same file again changes nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Import another file" }).ClickAsync();
        await page.UploadCsvAsync(new FilePayload { Name = "customers.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(Csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("report-already")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("report-imported")).ToHaveTextAsync("0");

        // The book: search by a local-format number, opt one out.
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the address book" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(bookUrl);
        await page.WaitForInteractiveAsync();
        var grid = page.GetByTestId("contacts-grid");
        var rows = grid.Locator("tbody tr.mud-table-row");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.GetByLabel("Select every contact on this page")).ToBeVisibleAsync();
        await page.GetByTestId("contact-search").FillAsync("0712 345");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(grid).ToContainTextAsync("+254 712 345 678");
        await Expect(grid).ToContainTextAsync("branch: Westlands");
        await page.GetByRole(AriaRole.Button, new() { Name = "Opt out +254 712 345 678" }).ClickAsync();
        await Expect(grid).ToContainTextAsync("Opted out");
        await page.GetByTestId("contact-search").FillAsync("");
        await Expect(rows).ToHaveCountAsync(3);
        await Screenshots.SaveAsync(page, "address-book-detail-1366");

        // Export: the same contacts, the opt-out included.
        var export = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync(await export.PathAsync())).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("mobile,email,telegram_chat_id,slack_user_id,first_name,last_name,status,network", lines[0].TrimStart('\uFEFF'));
        Assert.Equal(4, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("254712345678,,,,Wanjiku,Kamau,opted_out,safaricom", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("254722000111,,,,Akinyi,Njeri,active,safaricom", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("254733111222,,,,Otieno,Odhiambo,active,airtel", StringComparison.Ordinal));

        // The list shows the book with its active count.
        await page.OpenAsync("/address-books");
        await Expect(page.GetByTestId("active-Customers")).ToHaveTextAsync("2");
        await Screenshots.SaveAsync(page, "address-books-1366");

        // Large screen, then dark: the same pages must read well in both.
        await page.SetViewportSizeAsync(1920, 1080);
        await Screenshots.SaveAsync(page, "address-books-1920");
        await page.Context.AddCookiesAsync([new Cookie { Name = "TalkNTalkTheme", Value = "dark", Url = app.BaseUrl }]);
        await page.GotoAsync(bookUrl);
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("contacts-grid")).ToContainTextAsync("+254 712 345 678");
        await page.Locator("[data-testid=contacts-grid] input[type=checkbox]").Nth(1).CheckAsync();
        await Expect(page.GetByTestId("selection-bar")).ToContainTextAsync("1 selected");
        await Screenshots.SaveAsync(page, "address-book-detail-dark-1920");
        await page.SetViewportSizeAsync(1366, 768);
        await Screenshots.SaveAsync(page, "address-book-detail-dark-1366");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("from Customers?");
        await Screenshots.SaveAsync(page, "address-book-remove-confirm-dark-1366");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
    }

    [Fact]
    public async Task A_file_that_is_not_a_csv_gets_a_clear_message()
    {
        await using var app = await AppServer.StartAsync(AppServer.Bootstrapped());
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await page.OpenAsync("/address-books");
        await page.GetByRole(AriaRole.Button, new() { Name = "New address book" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Staff");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Import CSV" }).ClickAsync();
        await page.WaitForInteractiveAsync();

        var binary = new byte[4096];
        new Random(7).NextBytes(binary);
        binary[10] = 0;
        await page.UploadCsvAsync(new FilePayload { Name = "photo.csv", MimeType = "text/csv", Buffer = binary });
        await Expect(page.Locator("[data-field=file]")).ToBeVisibleAsync();

        await page.UploadCsvAsync(new FilePayload { Name = "empty.csv", MimeType = "text/csv", Buffer = [] });
        await Expect(page.Locator("[data-field=file]")).ToContainTextAsync("empty");
        await Screenshots.SaveAsync(page, "address-book-import-choose-1366");
        await Expect(page).ToHaveURLAsync(new Regex("/import$"));
    }
}
