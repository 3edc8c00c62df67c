using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TalkNTalk.Core.Tests.Channels.Email;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// An e-mail campaign end to end through the real app and a real SMTP server on loopback: an admin adds an e-mail
/// sender, follows the link the relay received, imports a book with e-mail addresses, composes on e-mail and watches
/// the campaign complete while the relay receives each e-mail once.
/// </summary>
public sealed class EmailCampaignTests
{
    [Fact]
    public async Task An_admin_verifies_a_sender_composes_an_email_campaign_to_a_book_and_watches_it_complete()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync();
        var settings = AppServer.Bootstrapped(credit: 100m);
        settings["Channels__Email__Provider"] = "Smtp";
        settings["Channels__Email__Host"] = "127.0.0.1";
        settings["Channels__Email__Port"] = relay.Port.ToString();
        settings["Channels__Email__Security"] = "None";
        settings["Channels__Email__MessagesPerSecond"] = "5";
        await using var app = await AppServer.StartAsync(settings);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);

        // The sender: registered on its tab, verified by the link the relay received.
        await page.OpenAsync("/admin/sender-ids?channel=email");
        await page.GetByLabel("Address", new() { Exact = true }).FillAsync("news@acme.co.ke");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(page.GetByTestId("status-news@acme.co.ke")).ToHaveTextAsync("Awaiting verification");
        var verification = await WaitForAsync(() => relay.Received.FirstOrDefault(m => m.EnvelopeTo.Contains("news@acme.co.ke")));
        var link = Regex.Match(verification.Message.TextBody ?? "", @"https?://\S+/senders/verify/\S+").Value;
        Assert.StartsWith(app.BaseUrl, link);
        await page.GotoAsync(link);
        await Expect(page.GetByTestId("verify-result")).ToContainTextAsync("news@acme.co.ke is verified");

        // A book of five, four of them with an e-mail address.
        await page.OpenAsync("/address-books");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create your first address book" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Newsletter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Import CSV" }).ClickAsync();
        await page.WaitForInteractiveAsync();
        var csv = "mobile,first_name,email\n" + string.Concat(Enumerable.Range(1, 4).Select(i => $"0712 000 00{i},Reader{i},reader{i}@example.co.ke\n"))
                  + "0712 000 005,Reader5,\n";
        await page.UploadCsvAsync(new FilePayload { Name = "readers.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("report-imported")).ToHaveTextAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the address book" }).ClickAsync();
        await page.WaitForInteractiveAsync();

        // Compose on e-mail: who it reaches, the subject, the price per message.
        await page.GetByRole(AriaRole.Button, new() { Name = "Send to this book" }).ClickAsync();
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("compose-channel").GetByRole(AriaRole.Radio, new() { Name = "E-mail" }).CheckAsync();
        await Expect(page.GetByTestId("channel-reach")).ToContainTextAsync("4 of 5 contacts have an e-mail address");
        await page.GetByLabel("Campaign name").FillAsync("June newsletter");
        await page.GetByTestId("compose-subject").FillAsync("Our June news");
        await page.GetByTestId("compose-message").FillAsync("Habari {first_name}, here is our June news.");
        await Expect(page.GetByTestId("preview-subject")).ToHaveTextAsync("Our June news");
        await Expect(page.GetByTestId("estimated-cost")).ToHaveTextAsync("KES 0.40");
        await Screenshots.SaveAsync(page, "compose-email-1366");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync("Send by E-mail to 4 recipients from news@acme.co.ke now? It reserves KES 0.40");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        // The campaign page follows it to the end without a reload.
        await Expect(page).ToHaveURLAsync(new Regex("/campaigns/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("campaign-status").First).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("count-delivered")).ToHaveTextAsync("4");
        await Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("KES 99.60");
        await Screenshots.SaveAsync(page, "campaign-email-1366");

        var campaign = relay.Received.Where(m => m.Message.Subject == "Our June news").ToList();
        Assert.Equal(["reader1@example.co.ke", "reader2@example.co.ke", "reader3@example.co.ke", "reader4@example.co.ke"],
            campaign.SelectMany(m => m.EnvelopeTo).Order());
        Assert.All(campaign, m => Assert.Equal("news@acme.co.ke", m.Message.From.Mailboxes.Single().Address));
        Assert.Contains(campaign, m => (m.Message.TextBody ?? "").Contains("Habari Reader2, here is our June news."));
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> find) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (find() is { } found)
                return found;
            Assert.True(DateTime.UtcNow < deadline, "The relay did not receive the e-mail in 20 s.");
            await Task.Delay(100);
        }
    }
}
