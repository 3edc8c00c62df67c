using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Dashboard.Api.V1;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>
/// Hostile input over every <c>/v1</c> endpoint: malformed and invalid-UTF-8 JSON, wrong types, huge values, SQL and
/// script text, overflowing paging, unknown paths and wrong methods. Whatever comes in, no answer is a 5xx, and every
/// answer is JSON (but a delete's empty 204); every error is the one shape, an <c>error</c> code beside a <c>detail</c>. A few hundred requests,
/// each case once, so it runs in seconds.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    // The limits are not under test here: lifted, so every case reaches the endpoint.
    private readonly TestApp _app = new(services: s => s.Configure<ApiOptions>(o => (o.SendBulkPerMinute, o.RequestsPerMinute) = (100_000, 100_000)));

    public void Dispose() => _app.Dispose();

    private const string Sql = "'; DROP TABLE messages; -- \" OR 1=1 --";
    private const string Script = "<script>alert(document.cookie)</script>";

    private static readonly string[] GetPaths =
    [
        "/v1/",
        "/v1/balance/",
        "/v1/bulk-sms/sender-ids/",
        "/v1/address-books/",
        "/v1/bulk-sms/messages/",
        "/v1/sms/campaigns/{campaign}/messages/",
        "/v1/campaigns/",
        "/v1/campaigns/{cmp}/",
        "/v1/sender-ids/",
        "/v1/address-books/{book}/contacts/",
    ];

    private static readonly string[] PostPaths =
    [
        "/v1/sms/send/",
        "/v1/address-books/contacts/",
        "/v1/sms/send-bulk/",
        "/v1/sms/send-group/",
        "/v1/sms/campaigns/status/",
        "/v1/campaigns/",
        "/v1/address-books/",
        "/v1/address-books/{book}/contacts/",
        "/v1/address-books/{book}/contacts/{contact}/opt-out/",
    ];

    // Bodies as raw bytes, so that invalid UTF-8 reaches the server as it is.
    private static IEnumerable<(string Name, byte[] Body)> HostileBodies(Guid book, Guid campaign)
    {
        static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
        static byte[] Raw(string before, byte[] bytes, string after) => [.. Utf8(before), .. bytes, .. Utf8(after)];
        var big = new string('9', 400);
        yield return ("empty", []);
        yield return ("not json", Utf8("{not json"));
        yield return ("truncated", Utf8("""{"recipients": ["0712000021"], "message": """));
        yield return ("array", Utf8("""["0712000021"]"""));
        yield return ("null", Utf8("null"));
        yield return ("string", Utf8("\"hello\""));
        yield return ("number", Utf8("42"));
        yield return ("deep nesting", Utf8(new string('[', 5000) + new string(']', 5000)));
        yield return ("deep object", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000)));
        yield return ("lone surrogate value", Utf8("""{"campaign_id": "\ud800", "recipients": ["\ud800"], "message": "\udfff", "group_ids": ["\ud800"], "mobile": "\ud800", "id": "\ud800"}"""));
        yield return ("lone surrogate name", Utf8("""{"\ud800": 1, "message": "Hi", "recipients": ["0712000021"]}"""));
        yield return ("raw 0xff in a value", [.. Utf8("{\"campaign_id\": \"a"), 0xFF, .. Utf8("\", \"message\": \"Hi"), 0xFE, 0xFF, .. Utf8("\", \"recipients\": [\"0712"), 0xC3, 0x28, .. Utf8("\"]}")]);
        yield return ("raw 0xff in a name", Raw("{\"message", [0xFF], "\": \"Hi\", \"recipients\": [\"0712000021\"]}"));
        yield return ("overlong UTF-8", Raw("{\"message\": \"Hi", [0xC0, 0xAF], "\", \"recipients\": [\"0712000021\"]}"));
        yield return ("BOM then object", [0xEF, 0xBB, 0xBF, .. Utf8("""{"message": "Hi"}""")]);
        yield return ("nul characters", Utf8("""{"message": "Hi\u0000there", "recipients": ["0712\u0000000021"], "campaign_id": "\u0000"}"""));
        yield return ("wrong types", Utf8("""{"recipients": "0712000021", "message": 5, "sender_id": [], "group_ids": {"a": 1}, "campaign_id": 12, "scheduled_at": true, "mobile": 712000021, "id": 5}"""));
        yield return ("one SMS to a bad number", Utf8("""{"mobile": "0812 000 021", "message": "Hi"}"""));
        yield return ("one SMS, sql and script", Utf8(JsonSerializer.Serialize(new { mobile = Sql, message = Script, sender_id = Script })));
        yield return ("contacts of another book", Utf8($$"""{"id": "{{Guid.NewGuid()}}"}"""));
        yield return ("contacts, id as sql", Utf8(JsonSerializer.Serialize(new { id = Sql + Script })));
        yield return ("nested wrong types", Utf8("""{"recipients": [[], {}, null, 7], "message": {"text": "Hi"}, "group_ids": [null, 5, []], "campaign_id": ["x"]}"""));
        yield return ("nulls", Utf8("""{"recipients": null, "message": null, "sender_id": null, "group_ids": null, "campaign_id": null, "scheduled_at": null}"""));
        yield return ("huge numbers", Utf8($$"""{"recipients": [{{big}}], "message": 1e309, "campaign_id": -{{big}}, "group_ids": [1e400]}"""));
        yield return ("huge strings", Utf8(JsonSerializer.Serialize(new { recipients = new[] { new string('7', 100_000) }, message = new string('x', 200_000), sender_id = new string('S', 10_000), campaign_id = new string('a', 100_000) })));
        yield return ("too many recipients", Utf8(JsonSerializer.Serialize(new { recipients = Enumerable.Range(0, 10_001).Select(i => $"07{i:D8}"), message = "Hi" })));
        yield return ("over a megabyte", Utf8(JsonSerializer.Serialize(new { message = new string('x', 1_100_000), recipients = new[] { "0712000021" } })));
        yield return ("sql and script", Utf8(JsonSerializer.Serialize(new { recipients = new[] { Sql, Script, "0712000021" }, message = Sql + Script, sender_id = Sql, group_ids = new[] { Sql }, campaign_id = Sql + Script, scheduled_at = Script })));
        yield return ("unicode digits", Utf8("""{"recipients": ["7.1200000٧E+8", "7.12000005E+٨", "٠٧١٢٠٠٠٠٠٢١"], "message": "Hi", "campaign_id": "٠٠٠٠"}"""));
        yield return ("empty personalisation", Utf8($$"""{"recipients": ["0712000021"], "group_ids": ["{{book}}"], "message": "{first_name}"}"""));
        yield return ("bad times", Utf8($$"""{"group_ids": ["{{book}}"], "message": "Hi", "scheduled_at": "9999-99-99T99:99:99Z"}"""));
        yield return ("far times", Utf8($$"""{"group_ids": ["{{book}}"], "message": "Hi", "scheduled_at": "9999-12-31T23:59:59-14:00"}"""));
        yield return ("ancient times", Utf8($$"""{"group_ids": ["{{book}}"], "message": "Hi", "scheduled_at": "0001-01-01T00:00:00+14:00"}"""));
        yield return ("duplicate names", Utf8($$"""{"campaign_id": "{{campaign}}", "campaign_id": "x", "message": "Hi", "message": 5}"""));
        yield return ("cmp ids", Utf8("""{"campaign_id": "cmp_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "group_ids": ["cmp_00000000000000000000000000000000"]}"""));
        // The multi-channel campaign and the contacts API.
        yield return ("campaign, wrong types", Utf8("""{"name": 5, "channel": ["sms"], "contact_list_id": 7, "sender_id": {}, "body": [], "template": 5, "subject": 1, "scheduled_at": 3}"""));
        yield return ("campaign, template of wrong types", Utf8($$$"""{"name": "N", "channel": "whatsapp", "contact_list_id": "{{{book}}}", "sender_id": "x", "template": {"name": 5, "language": [], "parameters": [{}, null, true]}}"""));
        yield return ("campaign, template and body", Utf8($$$"""{"name": "N", "channel": "whatsapp", "contact_list_id": "{{{book}}}", "sender_id": "x", "body": "Hi", "template": {"name": "a", "language": "en", "parameters": ["{{{big}}}", 1e400]}}"""));
        yield return ("campaign, sql and script", Utf8(JsonSerializer.Serialize(new { name = Sql + Script, channel = Sql, contact_list_id = Sql, sender_id = Script, body = Sql, subject = Script })));
        yield return ("campaign, every field hostile", Utf8(JsonSerializer.Serialize(new { name = new string('n', 100_000), channel = "EMAIL", contact_list_id = book, sender_id = new string('s', 10_000), subject = Sql + "\r\n" + Script, body = new string('b', 200_000) })));
        yield return ("campaign, last moment", Utf8($$"""{"name": "N", "channel": "sms", "contact_list_id": "{{book}}", "sender_id": "ACMEKE", "body": "Hi", "scheduled_at": "9999-12-31T23:59:59Z"}"""));
        yield return ("campaign, unicode time", Utf8($$"""{"name": "N", "channel": "telegram", "contact_list_id": "{{book}}", "sender_id": "@x", "body": "Hi", "scheduled_at": "٢٠٢٧-01-01T08:00:00Z"}"""));
        yield return ("contacts, hostile elements", Utf8($$$"""{"contacts": [null, 5, [], {"mobile": {}}, {"fields": {"a": {"b": 1} } }, {"telegram_chat_id": 1e400}, {"mobile": "٠٧١٢٠٠٠٠٠٢١"}, {"email": {{{JsonSerializer.Serialize(Sql)}}}}, {"slack_user_id": "{{{Script}}}"}], "name": "{{{Script}}}", "channel": {{{JsonSerializer.Serialize(Sql)}}}}"""));
        yield return ("contacts, huge fields", Utf8(JsonSerializer.Serialize(new { contacts = new[] { new { mobile = "0712000031", first_name = new string('f', 100_000), fields = Enumerable.Range(0, 500).ToDictionary(i => $"k{i}", i => new string('v', 1_000)) } } })));
    }

    private static readonly string[] HostileQueries =
    [
        "page=2147483647&page_size=500", "page=2147483648", "page=-1", "page=0", "page=abc", "page=1e3", "page=%00",
        "page_size=0", "page_size=-2147483648", "page_size=99999999999", "page=99999999999999999999", "page=٣",
        "status=queued,sent", "status=7", "status=-1", "status=", "source=api,web", "source=2",
        "mobile=' OR 1=1 --", "mobile=%3Cscript%3E", "mobile=%FF%FE", "mobile=%ED%A0%80", "mobile=%00", "mobile=" + "9999999999999999999999999999",
        "mobile=٠٧١٢", "mobile=%25%5F", "sender_id=' OR ''='", "sender_id=%00%FF", "sender_id=" + "%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41",
        "page=1&page=2", "status=delivered&status=failed", "%FF=%FF",
    ];

    // (A NUL in the path never reaches the app: Kestrel refuses it, and so does the test host's client.)
    private static readonly string[] UnknownPaths =
    [
        "/v1/nope", "/v1/sms/", "/v1/sms/sends/", "/v1/sms/campaigns/", "/v1/%FF%FE/",
        "/v1/sms/campaigns/x/messages/extra/", "/v1/" + new string('a', 2000), "/v1/address-books/%3Cscript%3E/",
    ];

    private static readonly string[] HostileIds =
    [
        "not-a-uuid", "cmp_", "cmp_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "%27%20OR%201%3D1", "%3Cscript%3E", "%FF", new string('f', 3000),
        "00000000-0000-0000-0000-000000000000",
    ];

    [Fact]
    public async Task No_hostile_request_to_any_endpoint_answers_5xx_and_every_answer_is_json_in_the_one_shape()
    {
        var org = await _app.OrganisationIdAsync();
        var book = await _app.Service<AddressBookService>().CreateAsync(org, "Customers", null);
        await _app.Service<ContactService>().AddAsync(org, book.Id, new ContactInput("0712000021", null, null));
        var sent = await _app.Service<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = org, Message = "Hi", Numbers = ["0712000022"] });
        var campaign = sent.CampaignId!.Value;
        var contact = (await _app.Service<ContactService>().QueryAsync(org, book.Id, new ContactQuery())).Items[0].Id;
        var client = await _app.ApiClientAsync(org);
        var anonymous = _app.CreateClient();
        var badKey = _app.CreateClient();
        badKey.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer tk_live_" + Sql);
        var failures = new List<string>();
        var requests = 0;

        async Task CheckAsync(HttpClient who, HttpMethod method, string path, byte[]? body = null, string contentType = "application/json", string? label = null)
        {
            requests++;
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
            using var response = await who.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var what = $"{method} {path[..Math.Min(path.Length, 80)]} {label}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 200)]}";
            if ((int)response.StatusCode >= 500)
            {
                failures.Add("5xx " + what);
                return;
            }
            // A delete that worked answers 204 with nothing to parse.
            if (response.StatusCode == HttpStatusCode.NoContent && text.Length == 0)
                return;
            if (response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                failures.Add("not JSON " + what);
                return;
            }
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(text).RootElement;
            }
            catch (JsonException)
            {
                failures.Add("unparseable " + what);
                return;
            }
            if (json.ValueKind != JsonValueKind.Object)
                failures.Add("not an object " + what);
            else if ((int)response.StatusCode >= 400
                     && !(json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0
                          && json.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String && detail.GetString()!.Length > 0))
                failures.Add("not the error shape " + what);
        }

        string Fill(string path) => path.Replace("{campaign}", campaign.ToString()).Replace("{cmp}", CampaignIds.Format(campaign))
            .Replace("{book}", book.Id.ToString()).Replace("{contact}", contact.ToString());

        foreach (var path in PostPaths.Select(Fill))
        {
            foreach (var (name, body) in HostileBodies(book.Id, campaign))
                await CheckAsync(client, HttpMethod.Post, path, body, label: name);
            await CheckAsync(client, HttpMethod.Post, path, Encoding.UTF8.GetBytes("""{"message": "Hi"}"""), "text/plain", "text/plain");
            await CheckAsync(client, HttpMethod.Post, path, Encoding.UTF8.GetBytes("message=Hi"), "application/x-www-form-urlencoded", "form");
            await CheckAsync(client, HttpMethod.Post, path, Encoding.UTF8.GetBytes("""{"message": "Hi"}"""), "application/json; charset=latin1", "latin1");
            await CheckAsync(client, HttpMethod.Post, path, null, label: "no body");
            await CheckAsync(anonymous, HttpMethod.Post, path, Encoding.UTF8.GetBytes("{}"), label: "no key");
            await CheckAsync(badKey, HttpMethod.Post, path, Encoding.UTF8.GetBytes("{}"), label: "bad key");
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Head, HttpMethod.Options })
                await CheckAsync(client, method, path, label: "wrong method");
        }
        foreach (var path in GetPaths.Select(Fill))
        {
            foreach (var query in HostileQueries)
                await CheckAsync(client, HttpMethod.Get, $"{path}?{query}", label: "query");
            await CheckAsync(anonymous, HttpMethod.Get, path, label: "no key");
            await CheckAsync(badKey, HttpMethod.Get, path, label: "bad key");
            foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
                await CheckAsync(client, method, path, Encoding.UTF8.GetBytes("{}"), label: "wrong method");
        }
        foreach (var id in HostileIds)
        {
            await CheckAsync(client, HttpMethod.Get, $"/v1/sms/campaigns/{id}/messages/", label: "campaign id");
            await CheckAsync(client, HttpMethod.Get, $"/v1/campaigns/{id}/", label: "campaign id");
            await CheckAsync(client, HttpMethod.Get, $"/v1/address-books/{id}/contacts/", label: "book id");
            await CheckAsync(client, HttpMethod.Delete, $"/v1/address-books/{book.Id}/contacts/{id}/", label: "contact id");
            await CheckAsync(client, HttpMethod.Post, $"/v1/address-books/{id}/contacts/{id}/opt-out/", Encoding.UTF8.GetBytes("""{"channel": "sms"}"""), label: "ids");
        }
        foreach (var path in new[] { $"/v1/address-books/{book.Id}/contacts/{contact}/", $"/v1/address-books/{book.Id}/contacts/-1/", $"/v1/address-books/{book.Id}/contacts/99999999999999999999/" })
        {
            await CheckAsync(anonymous, HttpMethod.Delete, path, label: "no key");
            await CheckAsync(client, HttpMethod.Delete, path, label: "delete");
        }
        foreach (var path in UnknownPaths)
        {
            await CheckAsync(client, HttpMethod.Get, path, label: "unknown path");
            await CheckAsync(anonymous, HttpMethod.Post, path, Encoding.UTF8.GetBytes("{}"), label: "unknown path, no key");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests:\n" + string.Join("\n", failures));
    }

    [Theory]
    [InlineData("""{"campaign_id": "\ud800"}""")]
    [InlineData("""{"\udc00campaign_id": "x"}""")]
    public async Task A_lone_surrogate_anywhere_in_the_body_is_a_clear_400(string json)
    {
        var client = await _app.ApiClientAsync(await _app.OrganisationIdAsync());

        var (status, body) = await TestApp.SendAsync(client, HttpMethod.Post, "/v1/sms/campaigns/status/", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Contains("lone surrogate", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_raw_invalid_utf8_byte_is_a_clear_400_on_every_post_endpoint()
    {
        var org = await _app.OrganisationIdAsync();
        var client = await _app.ApiClientAsync(org);
        var book = await _app.Service<AddressBookService>().CreateAsync(org, "Customers", null);
        var contact = await _app.Service<ContactService>().AddAsync(org, book.Id, new ContactInput("0712000021", null, null));
        foreach (var path in PostPaths.Select(p => p.Replace("{book}", book.Id.ToString()).Replace("{contact}", contact.Id.ToString())))
        {
            byte[] bytes = [.. Encoding.UTF8.GetBytes("{\"message\": \"Hi "), 0xFF, .. Encoding.UTF8.GetBytes("\", \"recipients\": [\"0712000021\"], \"group_ids\": [], \"campaign_id\": \"x\"}")];
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

            var response = await client.PostAsync(path, content);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("invalid_request", body.GetProperty("error").GetString());
            Assert.Contains("UTF-8", body.GetProperty("detail").GetString());
        }
    }
}
