using System.Net;
using System.Text.Json;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>The contacts API of DESIGN.md's contract: books created, contacts listed, upserted by address, deleted and opted out.</summary>
public sealed class ContactsApiTests : IDisposable
{
    private readonly MultiChannelData _data = new();

    private TestApp App => _data.App;

    public void Dispose() => _data.Dispose();

    private static Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null) =>
        TestApp.SendAsync(client, method, path, json);

    private static async Task<HttpStatusCode> DeleteAsync(HttpClient client, string path) => (await client.DeleteAsync(path)).StatusCode;

    private static List<string?> Column(JsonElement page, string name) =>
        page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty(name).ValueKind == JsonValueKind.Null ? null : r.GetProperty(name).ToString()).ToList();

    [Fact]
    public async Task A_book_is_created_with_201_as_the_list_shows_it_and_a_taken_name_is_422()
    {
        var client = await App.ApiClientAsync();

        var (status, book) = await SendAsync(client, HttpMethod.Post, "/v1/address-books/", """{"name": "Newsletter subscribers", "description": "Signed up on the website"}""");
        var (_, list) = await SendAsync(client, HttpMethod.Get, "/v1/address-books/");
        var (taken, takenBody) = await SendAsync(client, HttpMethod.Post, "/v1/address-books/", """{"name": "newsletter SUBSCRIBERS"}""");
        var (missing, missingBody) = await SendAsync(client, HttpMethod.Post, "/v1/address-books/", """{"description": "No name"}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(list.GetProperty("results")[0].ToString(), book.ToString());
        Assert.Equal(("Newsletter subscribers", "Signed up on the website", 0), (book.GetProperty("name").GetString(), book.GetProperty("description").GetString(), book.GetProperty("contact_count").GetInt32()));
        Assert.EndsWith("+03:00", book.GetProperty("created_at").GetString());
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (taken, takenBody.GetProperty("error").GetString()));
        Assert.True(takenBody.GetProperty("fields").TryGetProperty("name", out _));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (missing, missingBody.GetProperty("error").GetString()));
        var reader = await App.ApiClientAsync(scopes: ApiScopes.Read);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(reader, HttpMethod.Post, "/v1/address-books/", """{"name": "Other"}""")).Status);
    }

    [Fact]
    public async Task Contacts_are_taken_with_every_address_normalised_and_listed_with_200()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.BookAsync(org, "Customers");
        var client = await App.ApiClientAsync(org);

        var (status, body) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/", """
            {"contacts": [
              {"mobile": "0712 345 678", "email": "Wanjiku@Example.co.ke", "first_name": "Wanjiku", "last_name": "Kamau", "fields": {"Branch": "Kisumu", "member_no": 4411}},
              {"telegram_chat_id": 123456789, "first_name": "Otieno"},
              {"slack_user_id": "u024be7lh"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["received", "created", "updated", "unchanged", "failed", "results", "errors"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal((3, 3, 0, 0, 0), (body.GetProperty("received").GetInt32(), body.GetProperty("created").GetInt32(), body.GetProperty("updated").GetInt32(),
            body.GetProperty("unchanged").GetInt32(), body.GetProperty("failed").GetInt32()));
        Assert.Equal(["created", "created", "created"], Column(body, "status"));
        Assert.Equal(["0", "1", "2"], Column(body, "index"));

        var (listed, page) = await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/");

        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal((3, 100), (page.GetProperty("total").GetInt32(), page.GetProperty("page_size").GetInt32()));
        var first = page.GetProperty("results")[0];
        Assert.Equal(["id", "mobile", "email", "telegram_chat_id", "slack_user_id", "first_name", "last_name", "fields", "status", "opted_out_channels", "created_at", "updated_at"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Column(body, "id"), Column(page, "id"));
        Assert.Equal(["254712345678", null, null], Column(page, "mobile"));
        Assert.Equal(["wanjiku@example.co.ke", null, null], Column(page, "email"));
        Assert.Equal([null, "123456789", null], Column(page, "telegram_chat_id"));
        Assert.Equal([null, null, "U024BE7LH"], Column(page, "slack_user_id"));
        Assert.Equal(("Kisumu", "4411"), (first.GetProperty("fields").GetProperty("branch").GetString(), first.GetProperty("fields").GetProperty("member_no").GetString()));
        Assert.Equal(("active", 0), (first.GetProperty("status").GetString(), first.GetProperty("opted_out_channels").GetArrayLength()));
    }

    [Fact]
    public async Task A_contact_the_book_has_is_updated_by_any_address_never_opted_back_in_and_unchanged_when_the_same()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.BookAsync(org, "Customers", new ContactInput("0712345678", "Wanjiku", null), new ContactInput("0733000002", "Otieno", null));
        var contacts = App.Service<ContactService>();
        var (existing, _) = await contacts.QueryAsync(org, book, new ContactQuery(Sort: ContactSort.CreatedAt));
        await contacts.SetStatusAsync(org, book, [existing[1].Id], ContactStatus.OptedOut);
        var client = await App.ApiClientAsync(org);

        var (status, body) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/", """
            {"contacts": [
              {"mobile": "+254712345678", "email": "wanjiku@example.co.ke", "last_name": "Kamau"},
              {"mobile": "254733000002", "first_name": "Otieno"},
              {"email": "new@example.co.ke"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((1, 1, 1), (body.GetProperty("created").GetInt32(), body.GetProperty("updated").GetInt32(), body.GetProperty("unchanged").GetInt32()));
        Assert.Equal(["updated", "unchanged", "created"], Column(body, "status"));
        Assert.Equal([existing[0].Id.ToString(), existing[1].Id.ToString()], Column(body, "id").Take(2));
        var (updated, _) = await contacts.QueryAsync(org, book, new ContactQuery(Sort: ContactSort.CreatedAt));
        Assert.Equal(("Wanjiku", "Kamau", "wanjiku@example.co.ke"), (updated[0].FirstName, updated[0].LastName, updated[0].Email));
        Assert.Equal(ContactStatus.OptedOut, updated[1].Status);
    }

    [Fact]
    public async Task Contacts_that_cannot_be_taken_answer_207_with_their_index_field_and_reason_and_the_rest_are_taken()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.BookAsync(org, "Customers");
        var client = await App.ApiClientAsync(org);

        var (status, body) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/", $$"""
            {"contacts": [
              {"mobile": "0712345678"},
              {"email": "not-an-address"},
              {"mobile": "+254 712 345 678", "first_name": "Again"},
              {"first_name": "Nobody"},
              {"mobile": ["0712"]},
              "0799000001",
              {"email": "ok@example.co.ke", "first_name": "{{new string('x', 101)}}"},
              {"mobile": "0812345678"},
              {"email": "fine@example.co.ke", "fields": ["a"]},
              {"telegram_chat_id": "@someone"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.MultiStatus, status);
        Assert.Equal((10, 1, 9), (body.GetProperty("received").GetInt32(), body.GetProperty("created").GetInt32(), body.GetProperty("failed").GetInt32()));
        var errors = body.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").ValueKind == JsonValueKind.Null ? null : e.GetProperty("field").GetString(), e.GetProperty("error").GetString()))
            .ToList();
        Assert.Equal(
        [
            (1, "email", "validation_error"),
            (2, "mobile", "duplicate"),
            (3, "mobile", "validation_error"),
            (4, "mobile", "invalid_request"),
            (5, null, "invalid_request"),
            (6, "first_name", "validation_error"),
            (7, "mobile", "validation_error"),
            (8, "fields", "invalid_request"),
            (9, "telegram_chat_id", "validation_error"),
        ], errors);
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("detail").GetString())));
        Assert.Contains("Contact 0 of this request", body.GetProperty("errors")[1].GetProperty("detail").GetString());
        Assert.Equal(1, (await App.Service<ContactService>().QueryAsync(org, book, new ContactQuery())).Total);
    }

    [Theory]
    [InlineData("""{"contacts": []}""")]
    [InlineData("""{"contacts": {"mobile": "0712345678"}}""")]
    [InlineData("""{"people": [{"mobile": "0712345678"}]}""")]
    [InlineData("""{"contacts": [""")]
    public async Task A_body_without_a_list_of_contacts_is_400(string json)
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.BookAsync(org, "Customers");
        var client = await App.ApiClientAsync(org);

        var (status, body) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/", json);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (status, body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Ten_thousand_contacts_are_taken_in_one_call_and_one_more_is_refused_whole()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.BookAsync(org, "Customers");
        var client = await App.ApiClientAsync(org);
        string Contacts(int count) => JsonSerializer.Serialize(new { contacts = Enumerable.Range(0, count).Select(i => new { mobile = $"07{i:D8}" }) });

        var (tooMany, refused) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/", Contacts(10_001));
        var (status, body) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/", Contacts(10_000));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (tooMany, refused.GetProperty("error").GetString()));
        Assert.Contains("10,000", refused.GetProperty("detail").GetString());
        Assert.Equal((HttpStatusCode.OK, 10_000), (status, body.GetProperty("created").GetInt32()));
        Assert.Equal(10_000, (await App.Service<AddressBookService>().GetAsync(org, book)).TotalContacts);
    }

    [Fact]
    public async Task The_list_pages_with_absolute_links()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.CustomersAsync(org);
        var client = await App.ApiClientAsync(org);

        var (_, first) = await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/?page_size=3");
        var (_, second) = await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/?page=2&page_size=3");

        Assert.Equal((4, 2), (first.GetProperty("total").GetInt32(), first.GetProperty("total_pages").GetInt32()));
        Assert.Equal($"http://localhost/v1/address-books/{book}/contacts/?page=2&page_size=3", first.GetProperty("next").GetString());
        Assert.Equal(["Baraka"], Column(second, "first_name"));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/?page_size=501")).Status);
    }

    [Fact]
    public async Task A_contact_is_deleted_with_204_once()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.BookAsync(org, "Customers", new ContactInput("0712345678", "Wanjiku", null), new ContactInput("0733000002", "Otieno", null));
        var client = await App.ApiClientAsync(org);
        var (_, page) = await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/");
        var id = Column(page, "id")[0];

        Assert.Equal(HttpStatusCode.NoContent, await DeleteAsync(client, $"/v1/address-books/{book}/contacts/{id}/"));
        Assert.Equal(HttpStatusCode.NotFound, await DeleteAsync(client, $"/v1/address-books/{book}/contacts/{id}/"));
        var (_, after) = await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/");
        Assert.Equal(["Otieno"], Column(after, "first_name"));
        var reader = await App.ApiClientAsync(org, ApiScopes.Read);
        Assert.Equal(HttpStatusCode.Forbidden, await DeleteAsync(reader, $"/v1/address-books/{book}/contacts/{Column(after, "id")[0]}/"));
    }

    [Fact]
    public async Task A_contact_deleted_after_opting_out_does_not_receive_again_when_added_back()
    {
        var org = await App.OrganisationIdAsync();
        var book = await _data.BookAsync(org, "Customers", new ContactInput("0712345678", "Wanjiku", null, Email: "wanjiku@example.co.ke"));
        var client = await App.ApiClientAsync(org);
        var id = Column((await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/")).Body, "id")[0];
        await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/{id}/opt-out/", """{"channel": "all"}""");

        Assert.Equal(HttpStatusCode.NoContent, await DeleteAsync(client, $"/v1/address-books/{book}/contacts/{id}/"));
        var (status, added) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/",
            """{"contacts": [{"mobile": "0712345678", "email": "wanjiku@example.co.ke"}]}""");

        Assert.Equal((HttpStatusCode.OK, 1), (status, added.GetProperty("created").GetInt32()));
        var resolver = App.Service<RecipientResolver>();
        Assert.Equal((0, 0), (await resolver.CountAsync(org, [book], Channel.Sms), await resolver.CountAsync(org, [book], Channel.Email)));
        var (_, page) = await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/");
        Assert.Equal("[\"sms\",\"whatsapp\",\"email\"]", page.GetProperty("results")[0].GetProperty("opted_out_channels").ToString());
    }

    [Fact]
    public async Task An_opt_out_of_email_keeps_the_contact_off_email_campaigns_only_and_all_stops_every_channel()
    {
        var org = await App.OrganisationIdAsync();
        await _data.EmailSenderAsync(org);
        var book = await _data.BookAsync(org, "Customers", new ContactInput("0712345678", "Wanjiku", null, Email: "wanjiku@example.co.ke"),
            new ContactInput("0733000002", "Otieno", null, Email: "otieno@example.co.ke"), new ContactInput("0722000003", "Amina", null));
        var client = await App.ApiClientAsync(org);
        var (_, page) = await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{book}/contacts/");
        var ids = Column(page, "id");
        var resolver = App.Service<RecipientResolver>();

        var (status, contact) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/{ids[0]}/opt-out/", """{"channel": "email"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("active", "[\"email\"]"), (contact.GetProperty("status").GetString(), contact.GetProperty("opted_out_channels").ToString()));
        Assert.Equal(1, await resolver.CountAsync(org, [book], Channel.Email));
        Assert.Equal(3, await resolver.CountAsync(org, [book], Channel.Sms));
        // An e-mail campaign made through the API leaves the opted-out address out; an SMS one still reaches the number.
        var (_, email) = await SendAsync(client, HttpMethod.Post, "/v1/campaigns/",
            $$"""{"name": "News", "channel": "email", "contact_list_id": "{{book}}", "sender_id": "{{MultiChannelData.EmailSender}}", "subject": "News", "body": "Hello"}""");
        var (_, sms) = await SendAsync(client, HttpMethod.Post, "/v1/campaigns/",
            $$"""{"name": "News", "channel": "sms", "contact_list_id": "{{book}}", "sender_id": "ACMEKE", "body": "Hello"}""");
        Assert.Equal((1, 3), (email.GetProperty("recipients_count").GetInt32(), sms.GetProperty("recipients_count").GetInt32()));

        var (_, all) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/{ids[1]}/opt-out/", """{"channel": "ALL"}""");
        Assert.Equal(("opted_out", "[\"sms\",\"whatsapp\",\"email\"]"), (all.GetProperty("status").GetString(), all.GetProperty("opted_out_channels").ToString()));
        Assert.Equal(2, await resolver.CountAsync(org, [book], Channel.Sms));

        var (noAddress, noAddressBody) = await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/{ids[2]}/opt-out/", """{"channel": "email"}""");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (noAddress, noAddressBody.GetProperty("error").GetString()));
        Assert.True(noAddressBody.GetProperty("fields").TryGetProperty("channel", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/{ids[2]}/opt-out/", """{"channel": "fax"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{book}/contacts/{ids[2]}/opt-out/", "{}")).Status);

    }

    [Fact]
    public async Task Another_organisations_book_and_contacts_are_404_on_every_contacts_endpoint()
    {
        var org = await App.OrganisationIdAsync();
        var other = await App.AddOrganisationAsync("Baraka Sacco", "BARAKA", 10);
        var theirs = await _data.BookAsync(other, "Members", new ContactInput("0712345678", "Wanjiku", null, Email: "wanjiku@example.co.ke"));
        var theirContact = (await App.Service<ContactService>().QueryAsync(other, theirs, new ContactQuery())).Items[0].Id;
        var mine = await _data.BookAsync(org, "Mine", new ContactInput("0722000003", "Amina", null));
        var client = await App.ApiClientAsync(org);

        var answers = new List<(string, HttpStatusCode)>
        {
            ("list", (await SendAsync(client, HttpMethod.Get, $"/v1/address-books/{theirs}/contacts/")).Status),
            ("upsert", (await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{theirs}/contacts/", """{"contacts": [{"mobile": "0799000001"}]}""")).Status),
            ("delete", await DeleteAsync(client, $"/v1/address-books/{theirs}/contacts/{theirContact}/")),
            ("opt-out", (await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{theirs}/contacts/{theirContact}/opt-out/", """{"channel": "email"}""")).Status),
            // Their contact through my book: still not mine.
            ("delete via mine", await DeleteAsync(client, $"/v1/address-books/{mine}/contacts/{theirContact}/")),
            ("opt-out via mine", (await SendAsync(client, HttpMethod.Post, $"/v1/address-books/{mine}/contacts/{theirContact}/opt-out/", """{"channel": "sms"}""")).Status),
            ("malformed book", (await SendAsync(client, HttpMethod.Get, "/v1/address-books/not-a-book/contacts/")).Status),
            ("malformed contact", await DeleteAsync(client, $"/v1/address-books/{mine}/contacts/x/")),
        };

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.Item2));
        var still = await App.Service<ContactService>().QueryAsync(other, theirs, new ContactQuery());
        Assert.Equal((1, ContactStatus.Active, 0), (still.Total, still.Items[0].Status, still.Items[0].OptedOutOf?.Count ?? 0));
    }
}
