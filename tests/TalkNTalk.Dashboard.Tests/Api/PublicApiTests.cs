using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>The endpoints of TalkNTalk's public documentation beyond the reference documents, field by field.</summary>
public sealed class PublicApiTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(HttpResponseMessage response) =>
        (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Verify_names_the_keys_organisation_and_refuses_a_missing_or_bad_key_with_the_documented_detail()
    {
        var client = await _app.ApiClientAsync(scopes: ApiScopes.Send);

        var (status, body) = await ReadAsync(await client.GetAsync("/v1/"));
        var (missing, missingBody) = await ReadAsync(await _app.CreateClient().GetAsync("/v1/"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("TalkNTalk", "v1"), (body.GetProperty("api").GetString(), body.GetProperty("version").GetString()));
        var organisation = body.GetProperty("organisation");
        Assert.Equal(await _app.OrganisationIdAsync(), organisation.GetProperty("id").GetGuid());
        Assert.Equal(("Acme Kenya", "acme-kenya"), (organisation.GetProperty("name").GetString(), organisation.GetProperty("slug").GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal("Authentication credentials were not provided.", missingBody.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Balance_is_what_is_available_now_as_a_two_decimal_string()
    {
        var org = await _app.OrganisationIdAsync();
        var client = await _app.ApiClientAsync(org, ApiScopes.Read);
        var available = (await _app.Service<WalletService>().GetBalanceAsync(org)).Available;

        var (status, body) = await ReadAsync(await client.GetAsync("/v1/balance/"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(org, body.GetProperty("organisation").GetGuid());
        Assert.Equal(available.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("balance").GetString());
        Assert.Equal("KES", body.GetProperty("currency").GetString());
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("retrieved_at").GetString(), out _));
    }

    [Fact]
    public async Task One_SMS_goes_through_the_campaign_path_with_source_api_and_its_id_is_the_one_fetch_messages_shows()
    {
        var org = await _app.OrganisationIdAsync();
        var client = await _app.ApiClientAsync(org);
        var (status, body) = await ReadAsync(await client.PostAsync("/v1/sms/send/", Json("""{"mobile": "0712 345 678", "message": "Your OTP is 4821"}""")));

        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal(("254712345678", "ACMEKE", "Your OTP is 4821", "queued"),
            (body.GetProperty("mobile").GetString(), body.GetProperty("sender_id").GetString(), body.GetProperty("message").GetString(), body.GetProperty("status").GetString()));
        Assert.True(DateTimeOffset.TryParse(body.GetProperty("created_at").GetString(), out _));
        var message = await _app.Service<MessageQueries>().GetAsync(org, id);
        Assert.Equal(MessageSource.Api, message!.Source);
        var (_, listed) = await ReadAsync(await client.GetAsync("/v1/bulk-sms/messages/?mobile=0712345678"));
        Assert.Equal(id, listed.GetProperty("results")[0].GetProperty("id").GetGuid());
        // A campaign of one with its price reserved (the running dispatcher may already have charged or, rarely, refunded it).
        var campaign = await _app.Service<CampaignQueries>().GetAsync(org, message.CampaignId);
        Assert.Equal((1, 1m, MessageSource.Api), (campaign.RecipientsCount, campaign.EstimatedCost, campaign.Source));
    }

    [Theory]
    [InlineData("""{"mobile": "0812 345 678", "message": "Hi"}""", 400, "mobile")]
    [InlineData("""{"mobile": "+1 202 555 0100", "message": "Hi"}""", 400, "mobile")]
    [InlineData("""{"message": "Hi"}""", 400, "mobile")]
    [InlineData("""{"mobile": "0712345678"}""", 400, "message")]
    [InlineData("""{"mobile": "0712345678", "message": "Hi", "sender_id": "NOSUCH"}""", 422, "sender_id")]
    public async Task A_bad_single_send_is_refused_in_the_one_shape_and_charges_nothing(string json, int expected, string field)
    {
        var org = await _app.OrganisationIdAsync();
        var client = await _app.ApiClientAsync(org);
        var before = await _app.Service<WalletService>().GetBalanceAsync(org);

        var (status, body) = await ReadAsync(await client.PostAsync("/v1/sms/send/", Json(json)));

        Assert.Equal(expected, (int)status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        Assert.True(body.GetProperty("fields").TryGetProperty(field, out _));
        Assert.Equal(before.Available, (await _app.Service<WalletService>().GetBalanceAsync(org)).Available);
    }

    [Fact]
    public async Task Sender_ids_are_listed_with_their_type_status_and_default()
    {
        var org = await _app.OrganisationIdAsync();
        await _app.Service<SenderIdService>().RegisterAsync(org, "ACMEPROMO", SenderIdCategory.Promotional);
        var client = await _app.ApiClientAsync(org, ApiScopes.Read);

        var (status, body) = await ReadAsync(await client.GetAsync("/v1/bulk-sms/sender-ids/"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("count").GetInt32());
        var results = body.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("sender_id").GetString()!);
        Assert.Equal(("transactional", "active", true), (results["ACMEKE"].GetProperty("type").GetString(), results["ACMEKE"].GetProperty("status").GetString(), results["ACMEKE"].GetProperty("is_default").GetBoolean()));
        Assert.Equal(("promotional", "inactive", false), (results["ACMEPROMO"].GetProperty("type").GetString(), results["ACMEPROMO"].GetProperty("status").GetString(), results["ACMEPROMO"].GetProperty("is_default").GetBoolean()));
        Assert.All(results.Values, r => Assert.True(r.TryGetProperty("id", out _) && r.TryGetProperty("network", out _) && r.TryGetProperty("provider", out _)));
    }

    [Fact]
    public async Task A_books_contacts_come_paged_with_the_book_and_another_organisations_book_is_not_found()
    {
        var org = await _app.OrganisationIdAsync();
        var book = await _app.Service<AddressBookService>().CreateAsync(org, "Customers", "Nairobi branch");
        var contacts = _app.Service<ContactService>();
        for (var i = 0; i < 3; i++)
            await contacts.AddAsync(org, book.Id, new ContactInput($"071200000{i}", $"Name{i}", "Kamau", new Dictionary<string, string> { ["email"] = $"n{i}@acme.co.ke" }));
        var other = await _app.AddOrganisationAsync("Baraka Sacco", "BARAKA", 10m);
        var foreign = await _app.Service<AddressBookService>().CreateAsync(other, "Theirs", null);
        var client = await _app.ApiClientAsync(org, ApiScopes.Read);

        var (status, body) = await ReadAsync(await client.PostAsync("/v1/address-books/contacts/?page=2&page_size=2", Json($$"""{"id": "{{book.Id}}"}""")));
        var (notFound, _) = await ReadAsync(await client.PostAsync("/v1/address-books/contacts/", Json($$"""{"id": "{{foreign.Id}}"}""")));
        var (badPage, _) = await ReadAsync(await client.PostAsync("/v1/address-books/contacts/?page_size=10000", Json($$"""{"id": "{{book.Id}}"}""")));
        var (_, list) = await ReadAsync(await client.GetAsync("/v1/address-books/"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((book.Id, "Customers"), (body.GetProperty("address_book").GetProperty("id").GetGuid(), body.GetProperty("address_book").GetProperty("name").GetString()));
        Assert.Equal((3, 2, 2), (body.GetProperty("total").GetInt32(), body.GetProperty("page").GetInt32(), body.GetProperty("total_pages").GetInt32()));
        var contact = Assert.Single(body.GetProperty("results").EnumerateArray());
        Assert.Equal(("Name2", "Kamau", "+254712000002", "n2@acme.co.ke"),
            (contact.GetProperty("first_name").GetString(), contact.GetProperty("last_name").GetString(), contact.GetProperty("phone").GetString(), contact.GetProperty("email").GetString()));
        Assert.True(contact.TryGetProperty("notes", out _) && contact.TryGetProperty("created_at", out _) && contact.TryGetProperty("id", out _));
        Assert.Equal(HttpStatusCode.NotFound, notFound);
        Assert.Equal(HttpStatusCode.BadRequest, badPage);
        var listed = list.GetProperty("results").EnumerateArray().Single(b => b.GetProperty("id").GetGuid() == book.Id);
        Assert.Equal((3, "Nairobi branch"), (listed.GetProperty("contact_count").GetInt32(), listed.GetProperty("description").GetString()));
        Assert.Equal(100, list.GetProperty("page_size").GetInt32());
    }
}
