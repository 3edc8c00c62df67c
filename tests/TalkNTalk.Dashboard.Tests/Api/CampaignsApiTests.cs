using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Api.V1;
using TalkNTalk.Dashboard.Tests.Campaigns;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>The multi-channel campaign endpoints as campaigns-multichannel.txt and DESIGN.md's contract describe them.</summary>
public sealed partial class CampaignsApiTests : IDisposable
{
    private readonly MultiChannelData _data = new();

    private TestApp App => _data.App;

    public void Dispose() => _data.Dispose();

    private static readonly string[] CampaignFields =
        ["id", "name", "status", "channel", "recipients_count", "delivered_count", "failed_count", "created_at", "started_at", "completed_at"];

    private static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string json) =>
        TestApp.SendAsync(client, HttpMethod.Post, "/v1/campaigns/", json);

    private static Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path) =>
        TestApp.SendAsync(client, HttpMethod.Get, path);

    private static string Create(Guid list, string channel = "sms", string sender = "ACMEKE", string more = "\"body\": \"Your statement is ready.\"") =>
        $$"""{"name": "June statements", "channel": "{{channel}}", "contact_list_id": "{{list}}", "sender_id": "{{sender}}", {{more}}}""";

    [GeneratedRegex("^cmp_[0-9a-f]{32}$")]
    private static partial Regex CmpId();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex UtcTime();

    [Fact]
    public async Task An_sms_campaign_created_here_is_the_one_the_sms_endpoints_and_the_dashboard_see()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.CustomersAsync(org);
        var client = await App.ApiClientAsync(org);

        var (status, body) = await PostAsync(client, Create(book));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["id", "status", "name", "channel", "recipients_count", "created_at"], body.EnumerateObject().Select(p => p.Name));
        var id = body.GetProperty("id").GetString()!;
        Assert.Matches(CmpId(), id);
        Assert.Matches(UtcTime(), body.GetProperty("created_at").GetString());
        Assert.Equal(("June statements", "sms", 2), (body.GetProperty("name").GetString(), body.GetProperty("channel").GetString(), body.GetProperty("recipients_count").GetInt32()));
        // Where it already is: the dispatcher may have handed it over by the time it answers.
        Assert.Contains(body.GetProperty("status").GetString(), new[] { "processing", "sent", "completed" });

        var uuid = Guid.ParseExact(id[4..], "N");
        var campaign = await App.Service<CampaignQueries>().GetAsync(org, uuid);
        Assert.Equal((MessageSource.Api, Channel.Sms, "June statements", 2), (campaign.Source, campaign.Channel, campaign.Name, campaign.RecipientsCount));
        var (smsStatus, sms) = await TestApp.SendAsync(client, HttpMethod.Post, "/v1/sms/campaigns/status/", $$"""{"campaign_id": "{{uuid}}"}""");
        Assert.Equal((HttpStatusCode.OK, 2, "ACMEKE"), (smsStatus, sms.GetProperty("recipients_count").GetInt32(), sms.GetProperty("sender_id").GetString()));

        var (byCmp, cmpBody) = await GetAsync(client, $"/v1/campaigns/{id}/");
        var (byUuid, uuidBody) = await GetAsync(client, $"/v1/campaigns/{uuid}/");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (byCmp, byUuid));
        Assert.Equal(CampaignFields, cmpBody.EnumerateObject().Select(p => p.Name));
        Assert.Equal((id, "June statements", "sms", 2), (cmpBody.GetProperty("id").GetString(), cmpBody.GetProperty("name").GetString(),
            cmpBody.GetProperty("channel").GetString(), cmpBody.GetProperty("recipients_count").GetInt32()));
        Assert.Equal(id, uuidBody.GetProperty("id").GetString());
        Assert.Equal(body.GetProperty("created_at").GetString(), cmpBody.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task An_email_campaign_goes_to_the_contacts_with_an_email_address_with_its_subject_and_reads_back()
    {
        var org = await App.OrganisationIdAsync();
        var data = _data;
        var book = await data.CustomersAsync(org);
        await data.EmailSenderAsync(org);
        var client = await App.ApiClientAsync(org);

        var (status, body) = await PostAsync(client, Create(book, "email", MultiChannelData.EmailSender,
            "\"subject\": \"Your June statement\", \"body\": \"Hello {first_name}, your statement is ready.\""));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("email", 2), (body.GetProperty("channel").GetString(), body.GetProperty("recipients_count").GetInt32()));
        var (read, campaign) = await GetAsync(client, $"/v1/campaigns/{body.GetProperty("id").GetString()}/");
        Assert.Equal((HttpStatusCode.OK, "email"), (read, campaign.GetProperty("channel").GetString()));
        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var stored = await db.Campaigns.SingleAsync(c => c.Channel == Channel.Email);
        Assert.Equal(("Your June statement", MultiChannelData.EmailSender, MessageSource.Api), (stored.Subject, stored.SenderId, stored.Source));
        var messages = await db.Messages.Where(m => m.CampaignId == stored.Id).OrderBy(m => m.Address).Select(m => new { m.Address, m.Body }).ToListAsync();
        Assert.Equal(["amina@example.co.ke", "wanjiku@example.co.ke"], messages.Select(m => m.Address));
        Assert.Equal("Hello Wanjiku, your statement is ready.", messages[1].Body);
    }

    [Fact]
    public async Task A_whatsapp_template_campaign_is_created_with_personalised_parameters_and_reads_back()
    {
        var org = await App.OrganisationIdAsync();
        var data = _data;
        var book = await data.CustomersAsync(org);
        await data.WhatsAppAsync(org);
        var client = await App.ApiClientAsync(org);

        var (status, body) = await PostAsync(client, Create(book, "whatsapp", "0709 000 111",
            "\"template\": {\"name\": \"order_update\", \"language\": \"en\", \"parameters\": [\"{first_name}\", 4411]}"));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("whatsapp", 2), (body.GetProperty("channel").GetString(), body.GetProperty("recipients_count").GetInt32()));
        var (_, campaign) = await GetAsync(client, $"/v1/campaigns/{body.GetProperty("id").GetString()}/");
        Assert.Equal("whatsapp", campaign.GetProperty("channel").GetString());
        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var sent = await db.Messages.Where(m => m.Channel == Channel.WhatsApp).OrderBy(m => m.Address).Select(m => new { m.Address, m.Body }).ToListAsync();
        Assert.Equal(["254712000001", "254733000002"], sent.Select(m => m.Address));
        Assert.True(WhatsAppTemplate.TryParse(sent[0].Body, out var template));
        Assert.Equal(("order_update", "en"), (template.Name, template.Language));
        Assert.Equal(["Wanjiku", "4411"], template.Parameters);
    }

    public static TheoryData<string, string, HttpStatusCode, string, string?> Refusals => new()
    {
        // label, body (LIST: the customers' book), status, error, field
        { "malformed JSON", "{\"name\": ", HttpStatusCode.BadRequest, "invalid_request", null },
        { "no name", """{"channel": "sms", "contact_list_id": "LIST", "sender_id": "ACMEKE", "body": "Hi"}""", HttpStatusCode.BadRequest, "invalid_request", "name" },
        { "no channel", """{"name": "N", "contact_list_id": "LIST", "sender_id": "ACMEKE", "body": "Hi"}""", HttpStatusCode.BadRequest, "invalid_request", "channel" },
        { "unknown channel", """{"name": "N", "channel": "fax", "contact_list_id": "LIST", "sender_id": "ACMEKE", "body": "Hi"}""", HttpStatusCode.BadRequest, "invalid_request", "channel" },
        { "no list", """{"name": "N", "channel": "sms", "sender_id": "ACMEKE", "body": "Hi"}""", HttpStatusCode.BadRequest, "invalid_request", "contact_list_id" },
        { "list not a uuid", """{"name": "N", "channel": "sms", "contact_list_id": "list-7", "sender_id": "ACMEKE", "body": "Hi"}""", HttpStatusCode.BadRequest, "invalid_request", "contact_list_id" },
        { "no sender", """{"name": "N", "channel": "sms", "contact_list_id": "LIST", "body": "Hi"}""", HttpStatusCode.BadRequest, "invalid_request", "sender_id" },
        { "body not text", """{"name": "N", "channel": "sms", "contact_list_id": "LIST", "sender_id": "ACMEKE", "body": 5}""", HttpStatusCode.BadRequest, "invalid_request", "body" },
        { "template not an object", """{"name": "N", "channel": "whatsapp", "contact_list_id": "LIST", "sender_id": "254709000111", "template": "order_update"}""", HttpStatusCode.BadRequest, "invalid_request", "template" },
        { "scheduled_at not a time", """{"name": "N", "channel": "sms", "contact_list_id": "LIST", "sender_id": "ACMEKE", "body": "Hi", "scheduled_at": "tomorrow at 8"}""", HttpStatusCode.BadRequest, "invalid_request", "scheduled_at" },
        { "scheduled_at in the past", """{"name": "N", "channel": "sms", "contact_list_id": "LIST", "sender_id": "ACMEKE", "body": "Hi", "scheduled_at": "2020-07-01T08:00:00Z"}""", HttpStatusCode.BadRequest, "invalid_request", "scheduled_at" },
        { "unknown list", $$"""{"name": "N", "channel": "sms", "contact_list_id": "{{Guid.NewGuid()}}", "sender_id": "ACMEKE", "body": "Hi"}""", HttpStatusCode.NotFound, "not_found", null },
        { "sender not registered", """{"name": "N", "channel": "sms", "contact_list_id": "LIST", "sender_id": "NOSUCH", "body": "Hi"}""", HttpStatusCode.UnprocessableEntity, "validation_error", "sender_id" },
        { "sender of another channel", """{"name": "N", "channel": "email", "contact_list_id": "LIST", "sender_id": "ACMEKE", "subject": "S", "body": "Hi"}""", HttpStatusCode.UnprocessableEntity, "validation_error", "sender_id" },
        { "unverified e-mail sender", """{"name": "N", "channel": "email", "contact_list_id": "LIST", "sender_id": "pending@acme.co.ke", "subject": "S", "body": "Hi"}""", HttpStatusCode.UnprocessableEntity, "validation_error", "sender_id" },
        { "neither body nor template", """{"name": "N", "channel": "sms", "contact_list_id": "LIST", "sender_id": "ACMEKE"}""", HttpStatusCode.UnprocessableEntity, "validation_error", "body" },
        { "template on sms", """{"name": "N", "channel": "sms", "contact_list_id": "LIST", "sender_id": "ACMEKE", "template": {"name": "order_update", "language": "en", "parameters": []}}""", HttpStatusCode.UnprocessableEntity, "validation_error", "template" },
        { "template not approved", """{"name": "N", "channel": "whatsapp", "contact_list_id": "LIST", "sender_id": "254709000111", "template": {"name": "promo", "language": "en", "parameters": []}}""", HttpStatusCode.UnprocessableEntity, "validation_error", "template" },
        { "body too long for telegram", $$"""{"name": "N", "channel": "telegram", "contact_list_id": "LIST", "sender_id": "AcmeKenyaBot", "body": "{{new string('x', 4097)}}"}""", HttpStatusCode.UnprocessableEntity, "validation_error", "body" },
        { "e-mail without a subject", """{"name": "N", "channel": "email", "contact_list_id": "LIST", "sender_id": "news@acme.co.ke", "body": "Hi"}""", HttpStatusCode.UnprocessableEntity, "validation_error", "subject" },
        { "no one reachable on the channel", """{"name": "N", "channel": "slack", "contact_list_id": "LIST", "body": "Hi"}""", HttpStatusCode.UnprocessableEntity, "validation_error", "contact_list_id" },
        { "name too long", $$"""{"name": "{{new string('n', 121)}}", "channel": "sms", "contact_list_id": "LIST", "sender_id": "ACMEKE", "body": "Hi"}""", HttpStatusCode.UnprocessableEntity, "validation_error", "name" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Every_refusal_of_the_documented_table_names_its_field_and_queues_and_charges_nothing(
        string label, string json, HttpStatusCode expected, string error, string? field)
    {
        var org = await App.OrganisationIdAsync();
        var data = _data;
        var book = await data.CustomersAsync(org);
        await data.EmailSenderAsync(org);
        await data.EmailSenderAsync(org, "pending@acme.co.ke", verify: false);
        await data.WhatsAppAsync(org);
        await data.TelegramBotAsync(org);
        var client = await App.ApiClientAsync(org);
        var before = await App.Service<WalletService>().GetBalanceAsync(org);

        var (status, body) = await PostAsync(client, json.Replace("LIST", book.ToString()));

        Assert.True((expected, error) == (status, body.GetProperty("error").GetString()), $"{label}: {(int)status} {body}");
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        if (field is null)
            Assert.False(body.TryGetProperty("fields", out _), $"{label}: {body}");
        else
            Assert.True(body.TryGetProperty("fields", out var fields) && fields.TryGetProperty(field, out _), $"{label}: {body}");
        Assert.Equal(0, (await App.Service<CampaignQueries>().ListAsync(org, new CampaignFilter(), 0, 10)).Total);
        Assert.Equal(before, await App.Service<WalletService>().GetBalanceAsync(org));
    }

    [Fact]
    public async Task Too_little_credit_is_422_insufficient_credits_and_another_organisations_list_is_404()
    {
        var poor = await App.AddOrganisationAsync("Baraka Sacco", "BARAKA", 1);
        var data = _data;
        var theirs = await data.CustomersAsync(poor);
        var acme = await App.OrganisationIdAsync();
        var client = await App.ApiClientAsync(poor);

        var (status, body) = await PostAsync(client, Create(theirs, sender: "BARAKA"));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "insufficient_credits"), (status, body.GetProperty("error").GetString()));
        Assert.Contains("Required KES 2.00, available KES 1.00", body.GetProperty("detail").GetString());
        var (foreign, notFound) = await PostAsync(await App.ApiClientAsync(acme), Create(theirs));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (foreign, notFound.GetProperty("error").GetString()));
        Assert.Equal(0, (await App.Service<CampaignQueries>().ListAsync(poor, new CampaignFilter(), 0, 10)).Total);
    }

    [Fact]
    public async Task A_scheduled_campaign_is_scheduled_and_has_not_started()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.CustomersAsync(org);
        var client = await App.ApiClientAsync(org);
        var at = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

        var (status, body) = await PostAsync(client, Create(book, more: $"\"body\": \"Hi\", \"scheduled_at\": \"{at}\""));

        Assert.Equal((HttpStatusCode.Created, "scheduled"), (status, body.GetProperty("status").GetString()));
        var (_, campaign) = await GetAsync(client, $"/v1/campaigns/{body.GetProperty("id").GetString()}/");
        Assert.Equal("scheduled", campaign.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, campaign.GetProperty("started_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, campaign.GetProperty("completed_at").ValueKind);
    }

    [Fact]
    public async Task A_finished_campaign_is_sent_while_reports_are_due_and_completed_when_the_last_one_came()
    {
        var org = await App.OrganisationIdAsync();
        var client = await App.ApiClientAsync(org);
        // Scheduled, so the dispatcher leaves it alone while the test plays the dispatcher and the delivery reports.
        var id = await CampaignData.ScheduleAsync(App, org);
        var started = new DateTime(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc);
        var finished = started.AddSeconds(5);
        var lastReport = started.AddMinutes(3);
        await using (var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync())
        {
            await db.Messages.Where(m => m.CampaignId == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Sent).SetProperty(m => m.SentAt, finished));
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Completed)
                .SetProperty(c => c.StartedAt, started).SetProperty(c => c.FinishedAt, finished).SetProperty(c => c.SentCount, 3));
        }

        var (_, sent) = await GetAsync(client, $"/v1/campaigns/{CampaignIds.Format(id)}/");

        Assert.Equal(("sent", 0, 0), (sent.GetProperty("status").GetString(), sent.GetProperty("delivered_count").GetInt32(), sent.GetProperty("failed_count").GetInt32()));
        Assert.Equal("2026-12-06T08:00:00Z", sent.GetProperty("started_at").GetString());
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("completed_at").ValueKind);

        await using (var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync())
        {
            var messages = await db.Messages.Where(m => m.CampaignId == id).OrderBy(m => m.Address).Select(m => m.Id).ToListAsync();
            await db.Messages.Where(m => m.Id == messages[0]).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Undelivered).SetProperty(m => m.DeliveredAt, lastReport));
            await db.Messages.Where(m => m.Id != messages[0] && m.CampaignId == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Delivered).SetProperty(m => m.DeliveredAt, started.AddMinutes(1)));
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.DeliveredCount, 2));
        }

        var (_, completed) = await GetAsync(client, $"/v1/campaigns/{id}/");

        Assert.Equal(("completed", 3, 2, 1), (completed.GetProperty("status").GetString(), completed.GetProperty("recipients_count").GetInt32(),
            completed.GetProperty("delivered_count").GetInt32(), completed.GetProperty("failed_count").GetInt32()));
        // When the last message became final: the last delivery report, not when the dispatcher handed the last one over.
        Assert.Equal("2026-12-06T08:03:00Z", completed.GetProperty("completed_at").GetString());
    }

    [Theory]
    [InlineData(CampaignStatus.Draft, 0, 0, 0, "draft")]
    [InlineData(CampaignStatus.Scheduled, 0, 0, 0, "scheduled")]
    [InlineData(CampaignStatus.Queued, 0, 0, 0, "processing")]
    [InlineData(CampaignStatus.Running, 500, 400, 0, "processing")]
    [InlineData(CampaignStatus.Paused, 500, 400, 0, "processing")]
    [InlineData(CampaignStatus.Completed, 992, 955, 0, "sent")]
    [InlineData(CampaignStatus.Completed, 992, 962, 0, "completed")]
    [InlineData(CampaignStatus.Completed, 990, 960, 2, "sent")]
    [InlineData(CampaignStatus.Failed, 0, 0, 0, "failed")]
    [InlineData(CampaignStatus.Cancelled, 300, 290, 0, "failed")]
    public void Statuses_map_to_the_multichannel_documents_in_one_place(CampaignStatus status, int sent, int delivered, int unknown, string expected)
    {
        // 30 undelivered: 992 sent - 955 delivered - 30 undelivered leaves 7 awaiting their report.
        var campaign = CampaignData.View(status, sent: sent, delivered: delivered, undelivered: sent == 0 ? 0 : 30, unknown: unknown);

        Assert.Equal(expected, CampaignIds.MultiChannelStatus(campaign));
    }

    [Fact]
    public async Task An_sms_campaign_runs_to_completed_with_its_counts_and_utc_times()
    {
        using var data = new MultiChannelData(new Dictionary<string, string>
        {
            ["SimulatedProvider:ReceiptDelayMs"] = "0", ["SimulatedProvider:FailureRate"] = "0", ["SimulatedProvider:NonDeliveryRate"] = "0",
        });
        var org = await data.App.OrganisationIdAsync();
        var book = await data.CustomersAsync(org);
        var client = await data.App.ApiClientAsync(org);
        var (_, created) = await PostAsync(client, Create(book));
        var path = $"/v1/campaigns/{created.GetProperty("id").GetString()}/";

        var campaign = await UntilAsync(client, path, c => c.GetProperty("status").GetString() == "completed");

        Assert.Equal((2, 2, 0), (campaign.GetProperty("recipients_count").GetInt32(), campaign.GetProperty("delivered_count").GetInt32(), campaign.GetProperty("failed_count").GetInt32()));
        Assert.Matches(UtcTime(), campaign.GetProperty("started_at").GetString());
        Assert.Matches(UtcTime(), campaign.GetProperty("completed_at").GetString());
        Assert.True(string.CompareOrdinal(campaign.GetProperty("completed_at").GetString(), campaign.GetProperty("started_at").GetString()) >= 0);
    }

    // Polls until the condition holds (the dispatcher works in the background), or fails with the last answer.
    private static async Task<JsonElement> UntilAsync(HttpClient client, string path, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (_, body) = await GetAsync(client, path);
            if (condition(body))
                return body;
            Assert.True(DateTime.UtcNow < deadline, $"Still not there after 60 s: {body}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_list_pages_every_channel_newest_first_with_absolute_links()
    {
        var org = await App.OrganisationIdAsync();
        var data = _data;
        var book = await data.CustomersAsync(org);
        await data.EmailSenderAsync(org);
        var ids = new List<Guid>
        {
            await CampaignData.ScheduleAsync(App, org, "First"),
            await CampaignData.ScheduleAsync(App, org, "Second"),
        };
        var client = await App.ApiClientAsync(org);
        var (_, email) = await PostAsync(client, Create(book, "email", MultiChannelData.EmailSender, "\"subject\": \"S\", \"body\": \"Hi\""));
        var other = await App.AddOrganisationAsync("Baraka Sacco", "BARAKA", 100);
        await CampaignData.ScheduleAsync(App, other, "Theirs");

        var (status, first) = await GetAsync(client, "/v1/campaigns/?page_size=2");
        var (_, second) = await GetAsync(client, "/v1/campaigns/?page=2&page_size=2");
        var (_, all) = await GetAsync(client, "/v1/campaigns/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["total", "page", "page_size", "total_pages", "next", "previous", "results"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal((3, 1, 2, 2), (first.GetProperty("total").GetInt32(), first.GetProperty("page").GetInt32(), first.GetProperty("page_size").GetInt32(), first.GetProperty("total_pages").GetInt32()));
        Assert.Equal("http://localhost/v1/campaigns/?page=2&page_size=2", first.GetProperty("next").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("previous").ValueKind);
        Assert.Equal("http://localhost/v1/campaigns/?page=1&page_size=2", second.GetProperty("previous").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal(50, all.GetProperty("page_size").GetInt32());
        var results = all.GetProperty("results").EnumerateArray().ToList();
        Assert.All(results, r => Assert.Equal(CampaignFields, r.EnumerateObject().Select(p => p.Name)));
        string[] expected = [email.GetProperty("id").GetString()!, .. ids.Select(CampaignIds.Format)];
        Assert.Equal(expected.Order(), results.Select(r => r.GetProperty("id").GetString()!).Order());
        Assert.Equal(["email", "sms", "sms"], results.Select(r => r.GetProperty("channel").GetString()).Order());
        var created = results.Select(r => r.GetProperty("created_at").GetString()!).ToList();
        Assert.Equal(created.OrderDescending(StringComparer.Ordinal), created);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(client, "/v1/campaigns/?page_size=101")).Status);
    }

    [Fact]
    public async Task Another_organisations_campaign_is_404_in_either_form_and_so_is_an_id_in_neither()
    {
        var org = await App.OrganisationIdAsync();
        var theirs = await CampaignData.ScheduleAsync(App, await App.AddOrganisationAsync("Baraka Sacco", "BARAKA", 100));
        var client = await App.ApiClientAsync(org);

        foreach (var id in new[] { CampaignIds.Format(theirs), theirs.ToString(), CampaignIds.Format(Guid.NewGuid()), "cmp_123", "campaign-7" })
        {
            var (status, body) = await GetAsync(client, $"/v1/campaigns/{id}/");
            Assert.Equal((HttpStatusCode.NotFound, "not_found"), (status, body.GetProperty("error").GetString()));
        }
        Assert.Equal(0, (await GetAsync(client, "/v1/campaigns/")).Body.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_missing_or_bad_key_is_unauthorized_here_and_authentication_failed_on_the_sms_endpoints()
    {
        var anonymous = App.CreateClient();
        var badKey = App.CreateClient();
        badKey.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer tk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        foreach (var (method, path) in new[] { ("GET", "/v1/campaigns/"), ("GET", "/v1/campaigns/cmp_0123456789abcdef0123456789abcdef/"), ("POST", "/v1/campaigns/"), ("GET", "/v1/sender-ids/") })
        {
            var (status, body) = await TestApp.SendAsync(anonymous, new HttpMethod(method), path, method == "POST" ? "{}" : null);
            Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized", "Authentication credentials were not provided."),
                (status, body.GetProperty("error").GetString(), body.GetProperty("detail").GetString()));
            var (bad, badBody) = await TestApp.SendAsync(badKey, new HttpMethod(method), path, method == "POST" ? "{}" : null);
            Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized", "Invalid or revoked API key."),
                (bad, badBody.GetProperty("error").GetString(), badBody.GetProperty("detail").GetString()));
        }
        Assert.Equal("authentication_failed", (await TestApp.SendAsync(anonymous, HttpMethod.Get, "/v1/bulk-sms/sender-ids/")).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Creating_needs_the_send_scope_and_reading_the_read_scope()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.CustomersAsync(org);
        var reader = await App.ApiClientAsync(org, ApiScopes.Read);
        var sender = await App.ApiClientAsync(org, ApiScopes.Send);

        var (refused, denied) = await PostAsync(reader, Create(book));
        Assert.Equal((HttpStatusCode.Forbidden, "permission_denied"), (refused, denied.GetProperty("error").GetString()));
        var (created, body) = await PostAsync(sender, Create(book));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(sender, "/v1/campaigns/")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(sender, $"/v1/campaigns/{body.GetProperty("id").GetString()}/")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(sender, "/v1/sender-ids/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(reader, $"/v1/campaigns/{body.GetProperty("id").GetString()}/")).Status);
    }

    [Fact]
    public async Task Sender_ids_lists_the_origins_of_every_channel_with_their_category_status_and_default()
    {
        var org = await App.OrganisationIdAsync();
        var data = _data;
        await data.EmailSenderAsync(org);
        await data.EmailSenderAsync(org, "pending@acme.co.ke", verify: false);
        await data.WhatsAppAsync(org);
        await data.TelegramBotAsync(org);
        await data.EmailSenderAsync(await App.AddOrganisationAsync("Baraka Sacco", "BARAKA", 1), "hello@baraka.co.ke");
        var client = await App.ApiClientAsync(org, ApiScopes.Read);

        var (status, body) = await GetAsync(client, "/v1/sender-ids/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, body.GetProperty("count").GetInt32());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.All(results, r => Assert.Equal(["id", "name", "channel", "category", "status", "is_default"], r.EnumerateObject().Select(p => p.Name)));
        string? Text(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();
        var shown = results.Select(r => (Text(r, "name"), Text(r, "channel"), Text(r, "category"), Text(r, "status"), r.GetProperty("is_default").GetBoolean())).ToList();
        Assert.Equal(
        [
            ("ACMEKE", "sms", "transactional", "approved", true),
            (MultiChannelData.WhatsAppNumber, "whatsapp", null, "approved", true),
            (MultiChannelData.TelegramBot, "telegram", null, "approved", true),
            (MultiChannelData.EmailSender, "email", null, "approved", true),
            ("pending@acme.co.ke", "email", null, "pending", false),
        ], shown);
    }
}
