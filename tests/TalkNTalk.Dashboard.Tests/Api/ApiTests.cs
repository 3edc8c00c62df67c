using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>The /v1 API through the test host: keys, scopes, the documented bodies and errors.</summary>
public sealed class ApiTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Theory]
    [InlineData(null, "Authentication credentials were not provided.")]
    [InlineData("Basic abc", "Authentication credentials were not provided.")]
    [InlineData("Bearer not-a-key", "Invalid or revoked API key.")]
    [InlineData("Bearer tk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Invalid or revoked API key.")]
    public async Task Missing_malformed_and_unknown_keys_answer_401_with_the_documented_body(string? header, string detail)
    {
        var client = _app.CreateClient();
        if (header is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        var response = await client.GetAsync("/v1/address-books/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("authentication_failed", body.GetProperty("error").GetString());
        Assert.Equal(detail, body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("GET", "/v1/nope/", 404, "not_found", "There is no GET /v1/nope/ in this API")]
    [InlineData("GET", "/v1/sms/sends/", 404, "not_found", "see /openapi/v1.json")]
    [InlineData("GET", "/v1/sms/send-bulk/", 405, "method_not_allowed", "/v1/sms/send-bulk/ does not accept GET; use POST.")]
    [InlineData("DELETE", "/v1/address-books/", 405, "method_not_allowed", "does not accept DELETE; use GET or POST.")]
    public async Task Unknown_paths_and_wrong_methods_answer_json_in_the_error_shape(string method, string path, int status, string error, string detail)
    {
        var client = await _app.ApiClientAsync();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await JsonAsync(response);
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Contains(detail, body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Revoked_and_expired_keys_are_refused_and_a_key_without_the_scope_gets_403()
    {
        var keys = _app.Service<ApiKeyService>();
        var org = await _app.OrganisationIdAsync();
        var (revoked, revokedSecret) = await keys.CreateAsync(org, "Old", ApiScopes.Read, null, "test");
        await keys.RevokeAsync(org, revoked.Id);
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", revokedSecret);
        var refused = await client.GetAsync("/v1/address-books/");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Invalid or revoked API key.", (await JsonAsync(refused)).GetProperty("detail").GetString());

        var sendOnly = await _app.ApiClientAsync(scopes: ApiScopes.Send);
        var forbidden = await sendOnly.GetAsync("/v1/address-books/");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("permission_denied", (await JsonAsync(forbidden)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Address_books_are_listed_with_ids_names_counts_and_absolute_paging_links()
    {
        var org = await _app.OrganisationIdAsync();
        var books = _app.Service<AddressBookService>();
        var premium = await books.CreateAsync(org, "Premium Customers", null);
        await books.CreateAsync(org, "Agents", null);
        await books.CreateAsync(org, "Staff", null);
        await _app.Service<ContactService>().AddAsync(org, premium.Id, new ContactInput("0712345678", "Wanjiku", null));
        var client = await _app.ApiClientAsync(scopes: ApiScopes.Read);

        var response = await client.GetAsync("/v1/address-books/?page=1&page_size=2");
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((3, 1, 2, 2), (body.GetProperty("total").GetInt32(), body.GetProperty("page").GetInt32(), body.GetProperty("page_size").GetInt32(), body.GetProperty("total_pages").GetInt32()));
        Assert.Equal("http://localhost/v1/address-books/?page=2&page_size=2", body.GetProperty("next").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("previous").ValueKind);
        var first = body.GetProperty("results")[0];
        Assert.Equal("Agents", first.GetProperty("name").GetString());
        var second = body.GetProperty("results")[1];
        Assert.Equal(premium.Id, second.GetProperty("id").GetGuid());
        Assert.Equal(1, second.GetProperty("active_contacts_count").GetInt32());
        Assert.EndsWith("+03:00", second.GetProperty("created_at").GetString());

        foreach (var bad in new[] { "page=0", "page_size=10000", "page=abc" })
            Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/v1/address-books/?{bad}")).StatusCode);
    }

    [Fact]
    public async Task Campaign_status_has_every_documented_field()
    {
        var org = await _app.OrganisationIdAsync();
        var sent = await _app.Service<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = org, Message = "Your invoice is ready. Log in to view it.", Numbers = ["254712345678", "254723456789", "254734567890"],
        });
        var client = await _app.ApiClientAsync(scopes: ApiScopes.Read);

        var response = await client.PostAsJsonAsync("/v1/sms/campaigns/status/", new { campaign_id = sent.CampaignId });
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["campaign_id", "status", "message", "sender_id", "recipients_count", "sent_count", "failed_count", "delivery_rate", "created_at", "started_at", "finished_at"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(sent.CampaignId, body.GetProperty("campaign_id").GetGuid());
        Assert.Equal("ACMEKE", body.GetProperty("sender_id").GetString());
        Assert.Equal(3, body.GetProperty("recipients_count").GetInt32());
        // The app's dispatcher may already be sending: whatever the moment, the rate is sent / recipients × 100.
        Assert.Equal(Math.Round(100m * body.GetProperty("sent_count").GetInt32() / 3, 1, MidpointRounding.AwayFromZero), body.GetProperty("delivery_rate").GetDecimal());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$", body.GetProperty("created_at").GetString()!);

        // The multi-channel form of the same id works too.
        var cmp = await client.PostAsJsonAsync("/v1/sms/campaigns/status/", new { campaign_id = $"cmp_{sent.CampaignId:N}" });
        Assert.Equal(HttpStatusCode.OK, cmp.StatusCode);
    }

    [Fact]
    public async Task Campaign_status_errors_are_400_and_404_and_another_organisations_campaign_is_404()
    {
        var baraka = await _app.AddOrganisationAsync("Baraka Sacco", "BARAKA", 10);
        var theirs = await _app.Service<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = baraka, Message = "Hi", Numbers = ["254712345678"] });
        var client = await _app.ApiClientAsync(scopes: ApiScopes.Read);

        async Task<(HttpStatusCode, string?)> PostAsync(string json)
        {
            var response = await client.PostAsync("/v1/sms/campaigns/status/", new StringContent(json, Encoding.UTF8, "application/json"));
            return (response.StatusCode, (await JsonAsync(response)).GetProperty("error").GetString());
        }

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), await PostAsync("{}"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), await PostAsync("{\"campaign_id\": 42}"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), await PostAsync("{\"campaign_id\": \"not-a-uuid\"}"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), await PostAsync("{not json"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), await PostAsync("[1,2]"));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), await PostAsync($"{{\"campaign_id\": \"{Guid.NewGuid()}\"}}"));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), await PostAsync($"{{\"campaign_id\": \"{theirs.CampaignId}\"}}"));
    }
}

public sealed class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_describes_every_v1_endpoint_the_app_maps()
    {
        using var app = new TestApp();
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        var json = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(json);
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => ApiRoutes.Key(operation.Name, path.Name)))
            .ToHashSet();
        var mapped = ApiRoutes.Of(app);
        Assert.True(mapped.Count >= 11, $"Expected the app's /v1 routes, found {mapped.Count}.");
        var undocumented = mapped.Select(r => ApiRoutes.Key(r.Method, r.Path)).Where(route => !documented.Contains(route)).ToList();
        Assert.True(undocumented.Count == 0, "Mapped but missing from /openapi/v1.json: " + string.Join(", ", undocumented));
        Assert.DoesNotContain("\"/account/logout\"", json);
    }
}

/// <summary>The /v1 routes the app maps, from its endpoint data source: a new endpoint shows up here by itself.</summary>
public static class ApiRoutes
{
    public static IReadOnlyList<(string Method, string Path)> Of(TestApp app) => app.Service<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
        .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/", StringComparison.Ordinal) == true)
        .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e.RoutePattern.RawText!)))
        .Distinct()
        .ToList();

    /// <summary>One spelling for a method and path: upper-case method, no trailing slash (the OpenAPI document drops it), parameters unnamed.</summary>
    public static string Key(string method, string path) =>
        $"{method.ToUpperInvariant()} {System.Text.RegularExpressions.Regex.Replace(path.TrimEnd('/'), "{[^}]*}", "{}")}";
}

public sealed class CampaignsHubAccessTests
{
    [Fact]
    public async Task The_hub_accepts_a_read_key_refuses_a_send_only_key_and_anonymous_callers()
    {
        using var app = new TestApp();
        Guid org;
        await using (var db = await app.Service<Microsoft.EntityFrameworkCore.IDbContextFactory<TalkNTalk.Core.Data.TalkNTalkDbContext>>().CreateDbContextAsync())
            org = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Organisations.Select(o => o.Id));
        var keys = app.Service<TalkNTalk.Core.ApiKeys.ApiKeyService>();
        var (_, reader) = await keys.CreateAsync(org, "Wall", TalkNTalk.Core.ApiKeys.ApiScopes.Read, null, "test");
        var (_, sender) = await keys.CreateAsync(org, "Sender", TalkNTalk.Core.ApiKeys.ApiScopes.Send, null, "test");
        var client = app.Browser();

        async Task<HttpStatusCode> NegotiateAsync(string query) =>
            (await client.PostAsync($"/hubs/campaigns/negotiate?negotiateVersion=1{query}", null)).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync($"&access_token={reader}"));
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync($"&access_token={sender}"));
        Assert.NotEqual(HttpStatusCode.OK, await NegotiateAsync(""));
    }
}
