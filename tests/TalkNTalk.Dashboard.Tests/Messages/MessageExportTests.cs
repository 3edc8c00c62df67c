using System.Net;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Messages;
using TalkNTalk.Dashboard.Messages;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Messages;

/// <summary>The explorer's CSV export endpoint and the filters it shares with the page's URL.</summary>
public sealed class MessageExportTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Export_streams_the_filtered_messages_of_the_signed_in_organisation_only()
    {
        var org = await _app.OrganisationIdAsync();
        var other = await _app.AddOrganisationAsync("Baraka Sacco", "BARAKA", 100m);
        var campaigns = _app.Service<CampaignService>();
        await campaigns.SendBulkAsync(new SendRequest { OrganisationId = org, Message = "Habari, \"friend\", karibu", Numbers = ["254712345678", "254733111222"], Source = MessageSource.Api });
        await campaigns.SendBulkAsync(new SendRequest { OrganisationId = org, Message = "Web send", Numbers = ["254771000111"] });
        await campaigns.SendBulkAsync(new SendRequest { OrganisationId = other, Message = "Not yours", Numbers = ["254712345678"] });
        var browser = _app.Browser();
        await TestApp.SignInAsync(browser, TestApp.AdminEmail, TestApp.AdminPassword);
        var exportId = Guid.NewGuid();

        var response = await browser.GetAsync($"/messages/export.csv?source=api&mobile=0712&export={exportId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"messages-", response.Content.Headers.ContentDisposition?.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", MessageExporter.Header), lines[0]);
        var row = Assert.Single(lines.Skip(1));
        // The dispatcher runs in the test host too, so the status may have moved on from queued.
        Assert.Matches(@"^[0-9a-f-]{36},\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00,sms,254712345678,safaricom,ACMEKE,api,[a-z]+,""Habari, """"friend"""", karibu"",gsm7,1,1.00,", row);
        Assert.DoesNotContain("Not yours", row);
        Assert.Equal(new ExportProgress(1, 1, true, null), _app.Service<ExportProgressStore>().Find(org, exportId));
        Assert.Null(_app.Service<ExportProgressStore>().Find(other, exportId));
    }

    [Fact]
    public async Task A_message_that_starts_like_a_formula_is_exported_as_text()
    {
        var org = await _app.OrganisationIdAsync();
        await _app.Service<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = org, Message = "=1+1 cmd|' /C calc'!A0", Numbers = ["254712345678"] });
        var browser = _app.Browser();
        await TestApp.SignInAsync(browser, TestApp.AdminEmail, TestApp.AdminPassword);

        var csv = await (await browser.GetAsync("/messages/export.csv")).Content.ReadAsStringAsync();

        var row = Assert.Single(csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1));
        Assert.Contains(",254712345678,safaricom,", row);
        Assert.Contains(",\"'=1+1 cmd|' /C calc'!A0\",", row);
    }

    [Fact]
    public async Task Export_needs_a_signed_in_user()
    {
        var response = await _app.Browser().GetAsync("/messages/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/login", response.Headers.Location?.ToString());
    }

    [Fact]
    public void Url_filters_round_trip_and_bad_values_are_dropped_with_a_reason()
    {
        var warnings = new List<string>();
        var values = new Dictionary<string, string?>
        {
            ["status"] = "Delivered", ["channel"] = "SMS", ["mobile"] = "0712 345", ["sender"] = "acmeke", ["source"] = "API", ["network"] = "airtel",
            ["campaign"] = "6f1c9a4e-2b7d-4c1e-9f3a-1d2e3f4a5b6c", ["from"] = "2026-11-01", ["to"] = "2026-11-25", ["sort"] = "oldest",
        };

        var query = MessageFilterQuery.Parse(key => values.GetValueOrDefault(key), warnings);

        Assert.Empty(warnings);
        // mobile, the address's name in older links, is read and written back as address.
        Assert.Equal("?status=delivered&channel=sms&address=0712%20345&sender=acmeke&source=api&network=airtel&campaign=6f1c9a4e-2b7d-4c1e-9f3a-1d2e3f4a5b6c&from=2026-11-01&to=2026-11-25&sort=oldest",
            query.ToQueryString());
        var filter = query.ToFilter("Africa/Nairobi")!;
        Assert.Equal(new DateTime(2026, 10, 31, 21, 0, 0, DateTimeKind.Utc), filter.CreatedFrom);
        Assert.Equal(new DateTime(2026, 11, 25, 21, 0, 0, DateTimeKind.Utc), filter.CreatedTo);

        var bad = MessageFilterQuery.Parse(key => key switch { "status" => "1", "source" => "fax", "from" => "25/11/2026", "to" => "2026-02-30", "mobile" => "abc", "channel" => "pigeon", _ => null }, warnings);
        Assert.Equal(new MessageFilterQuery { Address = "abc" }, bad); // letters search e-mail addresses and member ids
        Assert.Equal(5, warnings.Count);
        Assert.Null(MessageFilterQuery.Parse(key => key switch { "from" => "2026-11-25", "to" => "2026-11-01", _ => null }, []).ToFilter(null));
    }
}
