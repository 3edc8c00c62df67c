using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>send-bulk and send-group as sms-send-bulk.txt and sms-send-to-address-book.txt describe them.</summary>
public sealed class SendApiTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, string json) =>
        TestApp.SendAsync(client, HttpMethod.Post, path, json);

    [Fact]
    public async Task Send_bulk_queues_unique_recipients_and_answers_201()
    {
        var client = await _app.ApiClientAsync(await _app.OrganisationIdAsync());

        var (status, body) = await PostAsync(client, "/v1/sms/send-bulk/",
            """{"recipients": ["254712345678", "0723456789", "+254712345678"], "message": "Your promo code is SAVE20.", "sender_id": "acmeke"}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["queued", "failed", "total", "sender_id", "campaign_id", "results", "errors"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal((2, 0, 2, "ACMEKE"), (body.GetProperty("queued").GetInt32(), body.GetProperty("failed").GetInt32(), body.GetProperty("total").GetInt32(), body.GetProperty("sender_id").GetString()));
        Assert.Equal(["254712345678", "254723456789"], body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("mobile").GetString()));
        Assert.All(body.GetProperty("results").EnumerateArray(), r => Assert.Equal("queued", r.GetProperty("status").GetString()));
        var campaign = await _app.Service<CampaignQueries>().GetAsync(await _app.OrganisationIdAsync(), body.GetProperty("campaign_id").GetGuid());
        Assert.Equal(MessageSource.Api, campaign.Source);
    }

    [Fact]
    public async Task Send_bulk_answers_207_with_invalid_numbers_and_skips_what_the_balance_cannot_cover()
    {
        await _app.AddOrganisationAsync("Baraka Sacco", "BARAKA", 1);
        var client = await _app.ApiClientAsync(await _app.OrganisationIdAsync("Baraka Sacco"));

        var (status, body) = await PostAsync(client, "/v1/sms/send-bulk/",
            """{"recipients": ["254712345678", "12345", "254734567890", "254799999999"], "message": "Hi"}""");

        Assert.Equal(HttpStatusCode.MultiStatus, status);
        Assert.Equal((1, 3, 4), (body.GetProperty("queued").GetInt32(), body.GetProperty("failed").GetInt32(), body.GetProperty("total").GetInt32()));
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("mobile").GetString(), e.GetProperty("error").GetString())).ToList();
        Assert.Equal([("12345", "invalid_mobile"), ("254734567890", "insufficient_balance"), ("254799999999", "skipped")], errors);
        Assert.Equal("Processing stopped due to insufficient balance.", body.GetProperty("errors")[2].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_recipient_whose_message_personalises_to_nothing_is_reported_not_sent_and_the_rest_go()
    {
        var org = await _app.OrganisationIdAsync();
        var client = await _app.ApiClientAsync(org);
        var book = await _app.Service<AddressBookService>().CreateAsync(org, "Members", null);
        await _app.Service<ContactService>().AddAsync(org, book.Id, new ContactInput("0712000031", "Wanjiku", null));
        await _app.Service<ContactService>().AddAsync(org, book.Id, new ContactInput("0712000032", null, null));

        var (bulk, bulkBody) = await PostAsync(client, "/v1/sms/send-bulk/", """{"recipients": ["0712000021"], "message": "{first_name}"}""");
        var (group, groupBody) = await PostAsync(client, "/v1/sms/send-group/", $$"""{"group_ids": ["{{book.Id}}"], "message": "{first_name}"}""");
        var (none, noneBody) = await PostAsync(client, "/v1/sms/send-group/", $$"""{"group_ids": ["{{book.Id}}"], "message": "{last_name}"}""");

        Assert.Equal(HttpStatusCode.MultiStatus, bulk);
        Assert.Equal((0, 1, 1), (bulkBody.GetProperty("queued").GetInt32(), bulkBody.GetProperty("failed").GetInt32(), bulkBody.GetProperty("total").GetInt32()));
        var error = bulkBody.GetProperty("errors")[0];
        Assert.Equal(("254712000021", "empty_message"), (error.GetProperty("mobile").GetString(), error.GetProperty("error").GetString()));
        Assert.Contains("{first_name}", error.GetProperty("detail").GetString());
        // The address-book path sends to the contacts who get a message and counts only them.
        Assert.Equal(HttpStatusCode.Accepted, group);
        Assert.Equal((1, "KES 1.00"), (groupBody.GetProperty("recipients_count").GetInt32(), groupBody.GetProperty("estimated_cost").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (none, noneBody.GetProperty("error").GetString()));
        Assert.True(noneBody.GetProperty("fields").TryGetProperty("message", out _));
        await using var db = await _app.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        Assert.Equal(["Wanjiku"], await db.Messages.Select(m => m.Body).ToListAsync());
    }

    [Theory]
    [InlineData("""{"message": "Hi"}""", "recipients")]
    [InlineData("""{"recipients": [], "message": "Hi"}""", "recipients")]
    [InlineData("""{"recipients": [254712345678], "message": "Hi"}""", "recipients")]
    [InlineData("""{"recipients": ["254712345678"]}""", "message")]
    [InlineData("""{"recipients": ["254712345678"], "message": "Hi", "sender_id": 5}""", "sender_id")]
    [InlineData("""{"recipients": ["254712345678"], "message": "'; DROP TABLE messages; --<script>"}""", null)]
    public async Task Send_bulk_refuses_bad_requests_with_400_and_changes_nothing(string json, string? field)
    {
        var org = await _app.OrganisationIdAsync();
        var client = await _app.ApiClientAsync(org);

        var (status, body) = await PostAsync(client, "/v1/sms/send-bulk/", json);

        if (field is null)
        {
            // SQL or script in a field is just text: it is stored as the message, never executed.
            Assert.Equal(HttpStatusCode.Created, status);
            return;
        }
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.True(body.GetProperty("fields").TryGetProperty(field, out _));
        Assert.Equal(0, (await _app.Service<CampaignQueries>().ListAsync(org, new CampaignFilter(), 0, 10)).Total);
    }

    [Fact]
    public async Task Ten_thousand_and_one_recipients_malformed_json_unknown_senders_and_missing_scope_are_refused()
    {
        var org = await _app.OrganisationIdAsync();
        var client = await _app.ApiClientAsync(org);
        var tooMany = JsonSerializer.Serialize(new { recipients = Enumerable.Range(0, 10_001).Select(i => $"2547{i:D8}"), message = "Hi" });

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/v1/sms/send-bulk/", tooMany)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/v1/sms/send-bulk/", "{not json")).Status);
        var (status, body) = await PostAsync(client, "/v1/sms/send-bulk/", """{"recipients": ["254712345678"], "message": "Hi", "sender_id": "NOSUCH"}""");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (status, body.GetProperty("error").GetString()));

        var readOnly = await _app.ApiClientAsync(org, ApiScopes.Read);
        var (forbidden, denied) = await PostAsync(readOnly, "/v1/sms/send-bulk/", """{"recipients": ["254712345678"], "message": "Hi"}""");
        Assert.Equal((HttpStatusCode.Forbidden, "permission_denied"), (forbidden, denied.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Send_group_answers_202_with_the_documented_fields()
    {
        var org = await _app.OrganisationIdAsync();
        var book = await _app.Service<AddressBookService>().CreateAsync(org, "Premium Customers", null);
        var contacts = _app.Service<ContactService>();
        await contacts.AddAsync(org, book.Id, new ContactInput("0712345678", "Wanjiku", null));
        await contacts.AddAsync(org, book.Id, new ContactInput("0733111222", "Otieno", null));
        var client = await _app.ApiClientAsync(org);

        var (status, body) = await PostAsync(client, "/v1/sms/send-group/",
            $$"""{"group_ids": ["{{book.Id}}"], "message": "Your monthly statement is ready.", "sender_id": "ACMEKE"}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(["campaign_id", "status", "recipients_count", "group_names", "sender_id", "estimated_cost"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("queued", 2, "Premium Customers", "ACMEKE", "KES 2.00"),
            (body.GetProperty("status").GetString(), body.GetProperty("recipients_count").GetInt32(), body.GetProperty("group_names")[0].GetString(),
             body.GetProperty("sender_id").GetString(), body.GetProperty("estimated_cost").GetString()));
    }

    [Fact]
    public async Task Send_group_errors_are_400_402_and_404_as_documented()
    {
        var org = await _app.OrganisationIdAsync();
        var book = await _app.Service<AddressBookService>().CreateAsync(org, "Big", null);
        var empty = await _app.Service<AddressBookService>().CreateAsync(org, "Empty", null);
        var contacts = _app.Service<ContactService>();
        for (var i = 0; i < 3; i++)
            await contacts.AddAsync(org, book.Id, new ContactInput($"071200000{i}", null, null));
        var client = await _app.ApiClientAsync(org);
        var past = DateTime.UtcNow.AddHours(-2).ToString("O");

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/v1/sms/send-group/", """{"group_ids": [], "message": "Hi"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/v1/sms/send-group/", $$"""{"group_ids": ["{{book.Id}}"]}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/v1/sms/send-group/", $$"""{"group_ids": ["{{empty.Id}}"], "message": "Hi"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/v1/sms/send-group/", $$"""{"group_ids": ["{{book.Id}}"], "message": "Hi", "scheduled_at": "{{past}}"}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, "/v1/sms/send-group/", $$"""{"group_ids": ["{{Guid.NewGuid()}}"], "message": "Hi"}""")).Status);

        await _app.AddOrganisationAsync("Baraka Sacco", "BARAKA", 1);
        var baraka = await _app.OrganisationIdAsync("Baraka Sacco");
        var barakaBook = await _app.Service<AddressBookService>().CreateAsync(baraka, "Members", null);
        await contacts.AddAsync(baraka, barakaBook.Id, new ContactInput("0712000001", null, null));
        await contacts.AddAsync(baraka, barakaBook.Id, new ContactInput("0712000002", null, null));
        var poor = await _app.ApiClientAsync(baraka);
        var (status, body) = await PostAsync(poor, "/v1/sms/send-group/", $$"""{"group_ids": ["{{barakaBook.Id}}"], "message": "Hi"}""");
        Assert.Equal((HttpStatusCode.PaymentRequired, "insufficient_balance"), (status, body.GetProperty("error").GetString()));
        // Another organisation's book is "not found" for Acme's key.
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, "/v1/sms/send-group/", $$"""{"group_ids": ["{{barakaBook.Id}}"], "message": "Hi"}""")).Status);
    }
}
