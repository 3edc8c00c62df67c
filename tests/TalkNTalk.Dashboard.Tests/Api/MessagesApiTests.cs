using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>GET /v1/bulk-sms/messages/ and the campaign messages list.</summary>
public sealed class MessagesApiTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<(Guid Org, Guid ApiCampaign, HttpClient Client)> SeedAsync()
    {
        var org = await _app.OrganisationIdAsync();
        var campaigns = _app.Service<CampaignService>();
        var api = await campaigns.SendBulkAsync(new SendRequest { OrganisationId = org, Message = "Your OTP is 847291.", Numbers = ["254712345678", "254733111222"], Source = MessageSource.Api });
        await campaigns.SendBulkAsync(new SendRequest { OrganisationId = org, Message = "Karibu!", Numbers = ["254771000111"], Source = MessageSource.Web });
        return (org, api.CampaignId!.Value, await _app.ApiClientAsync(org, ApiScopes.Read));
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path) =>
        TestApp.SendAsync(client, HttpMethod.Get, path);

    [Fact]
    public async Task Messages_have_every_documented_field_and_the_default_page_size()
    {
        var (_, _, client) = await SeedAsync();

        var (status, body) = await GetAsync(client, "/v1/bulk-sms/messages/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((3, 1, 100, 1), (body.GetProperty("total").GetInt32(), body.GetProperty("page").GetInt32(), body.GetProperty("page_size").GetInt32(), body.GetProperty("total_pages").GetInt32()));
        var first = body.GetProperty("results")[0];
        // The documented fields in their order, then ours: the channel and the address on it.
        Assert.Equal(["id", "mobile", "sender_id", "message", "status", "network", "source", "scheduled_at", "created_at", "updated_at", "channel", "address"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.EndsWith("+03:00", first.GetProperty("created_at").GetString());
        Assert.Equal(("sms", first.GetProperty("mobile").GetString()), (first.GetProperty("channel").GetString(), first.GetProperty("address").GetString()));
    }

    [Fact]
    public async Task Fetch_messages_lists_sms_unless_the_channel_names_another_and_refuses_an_unknown_one()
    {
        var (_, _, client) = await SeedAsync();

        var (_, sms) = await GetAsync(client, "/v1/bulk-sms/messages/?channel=SMS");
        var (_, email) = await GetAsync(client, "/v1/bulk-sms/messages/?channel=email&mobile=example");
        var (status, error) = await GetAsync(client, "/v1/bulk-sms/messages/?channel=fax");

        Assert.Equal((3, 0), (sms.GetProperty("total").GetInt32(), email.GetProperty("total").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_error", error.GetProperty("error").GetString());
        Assert.Contains("sms, whatsapp, telegram, email, slack", error.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("mobile=0712", 1)]
    [InlineData("mobile=%2B254733", 1)]
    [InlineData("mobile=2547", 3)]
    [InlineData("mobile=abc", 0)]
    [InlineData("source=api", 2)]
    [InlineData("source=WEB", 1)]
    [InlineData("sender_id=acmeke", 3)]
    [InlineData("sender_id=OTHER", 0)]
    [InlineData("source=api&mobile=0771", 0)]
    public async Task Filters_narrow_the_list(string query, int expected)
    {
        var (_, _, client) = await SeedAsync();
        var (status, body) = await GetAsync(client, $"/v1/bulk-sms/messages/?{query}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, body.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/v1/bulk-sms/messages/?page=2147483647&page_size=500")]
    [InlineData("/v1/bulk-sms/messages/?page=4294969&page_size=500")]
    [InlineData("/v1/bulk-sms/messages/?page=2147483647&page_size=1")]
    [InlineData("/v1/address-books/?page=2147483647&page_size=500")]
    public async Task A_page_past_every_row_is_empty_never_the_first_pages_rows(string path)
    {
        var (org, _, client) = await SeedAsync();
        await _app.Service<TalkNTalk.Core.AddressBooks.AddressBookService>().CreateAsync(org, "Customers", null);

        var (status, body) = await GetAsync(client, path);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body.GetProperty("results").EnumerateArray());
        Assert.True(body.GetProperty("total").GetInt32() > 0);
        Assert.Equal(path.Contains("page=2147483647") ? int.MaxValue : 4294969, body.GetProperty("page").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("next").ValueKind);
        // "previous" leads back to the last page that has rows.
        Assert.Contains($"page={body.GetProperty("total_pages").GetInt32()}&", body.GetProperty("previous").GetString());
    }

    [Theory]
    [InlineData("status=lost")]
    [InlineData("status=1")]
    [InlineData("source=sms")]
    [InlineData("page=0")]
    [InlineData("page_size=501")]
    [InlineData("status=queued,sent")]
    [InlineData("page=2147483648")]
    public async Task Unknown_filter_values_and_bad_paging_are_400(string query)
    {
        var (_, _, client) = await SeedAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(client, $"/v1/bulk-sms/messages/?{query}")).Status);
    }

    [Fact]
    public async Task A_campaigns_messages_are_listed_and_another_organisations_campaign_is_404()
    {
        var (_, campaign, client) = await SeedAsync();

        var (status, body) = await GetAsync(client, $"/v1/sms/campaigns/{campaign}/messages/?page_size=1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((2, 2), (body.GetProperty("total").GetInt32(), body.GetProperty("total_pages").GetInt32()));
        Assert.StartsWith("http://localhost/v1/sms/campaigns/", body.GetProperty("next").GetString());

        var baraka = await _app.AddOrganisationAsync("Baraka Sacco", "BARAKA", 5);
        var theirs = await _app.Service<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = baraka, Message = "Hi", Numbers = ["254712000000"] });
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, $"/v1/sms/campaigns/{theirs.CampaignId}/messages/")).Status);
        Assert.Equal(3, (await GetAsync(client, "/v1/bulk-sms/messages/")).Body.GetProperty("total").GetInt32());
    }
}
