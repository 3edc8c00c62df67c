using System.Text.Json;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Common;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// <c>GET /v1/address-books/</c> and <c>POST /v1/address-books/contacts/</c> (a book's contacts), paged like fetch messages;
/// <c>POST /v1/address-books/</c> creates a book (the contacts API, with <see cref="ContactEndpoints"/>).
/// </summary>
public static class AddressBookEndpoints
{
    public static RouteGroupBuilder MapAddressBookEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/address-books/", ListAsync).RequireAuthorization(ApiEndpoints.ReadPolicy)
            .WithSummary("List address books").WithDescription("Paged with page (from 1) and page_size (default 100, at most 500); each book's id is what send-group takes in group_ids.");
        v1.MapPost("/address-books/", CreateAsync).RequireAuthorization(ApiEndpoints.SendPolicy)
            .WithSummary("Create an address book").WithDescription("Body: name (unique in the organisation), optional description. 201 with the book as the list shows it.");
        v1.MapPost("/address-books/contacts/", ContactsAsync).RequireAuthorization(ApiEndpoints.ReadPolicy)
            .WithSummary("A book's contacts").WithDescription("Body: {\"id\": \"<address book id>\"}; page and page_size in the query. The book and a page of its contacts.");
        return v1;
    }

    private static async Task<IResult> ListAsync(HttpContext http, AddressBookService books, CancellationToken ct)
    {
        var (page, error) = ApiPage.From(http.Request);
        if (page is null)
            return error!;
        var zone = http.User.TimeZoneOf();
        var (items, total) = await books.ListAsync(http.User.OrganisationIdOf(), null, page.Skip, page.PageSize, ct);
        var results = items.Select(b => BookJson(b, zone)).ToList();
        return Results.Json(page.Envelope(http.Request, total, results), ApiError.Json);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, AddressBookService books, CancellationToken ct)
    {
        var (json, error) = await ApiJson.ReadObjectAsync(http, 64 * 1024, ct);
        if (json is not { } body)
            return error!;
        if (!ApiJson.OptionalString(body, "name", out var name) || string.IsNullOrWhiteSpace(name))
            return Invalid("name", "name is required: a string naming the address book, e.g. Premium Customers.");
        if (!ApiJson.OptionalString(body, "description", out var description))
            return Invalid("description", "description must be a string, or null.");
        try
        {
            var book = await books.CreateAsync(http.User.OrganisationIdOf(), name, description, ct);
            return Results.Json(BookJson(book, http.User.TimeZoneOf()), ApiError.Json, statusCode: StatusCodes.Status201Created);
        }
        catch (DomainException e)
        {
            // A name already taken, or too long: the rule refused it, so it is not a malformed request.
            return ApiError.Refused(e);
        }
    }

    /// <summary>A book as the list and the create answer show it.</summary>
    private static object BookJson(AddressBookSummary b, string zone) => new
    {
        id = b.Id,
        name = b.Name,
        description = b.Description,
        contact_count = b.TotalContacts,
        contacts_count = b.TotalContacts,
        active_contacts_count = b.ActiveContacts,
        created_at = ApiEndpoints.Timestamp(b.CreatedAt, zone),
        updated_at = ApiEndpoints.Timestamp(b.UpdatedAt, zone),
    };

    private static async Task<IResult> ContactsAsync(HttpContext http, AddressBookService books, ContactService contacts, CancellationToken ct)
    {
        var (page, pageError) = ApiPage.From(http.Request);
        if (page is null)
            return pageError!;
        var (json, error) = await ApiJson.ReadObjectAsync(http, 64 * 1024, ct);
        if (json is not { } body)
            return error!;
        if (!body.TryGetProperty("id", out var idElement) || idElement.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return Invalid("id", "id is required: the address book's id from GET /v1/address-books/.");
        if (idElement.ValueKind != JsonValueKind.String || !Guid.TryParse(idElement.GetString(), out var bookId))
            return Invalid("id", "id must be an address book's UUID from GET /v1/address-books/.");
        var organisation = http.User.OrganisationIdOf();
        var zone = http.User.TimeZoneOf();
        try
        {
            var book = await books.GetAsync(organisation, bookId, ct);
            var (items, total) = await contacts.QueryAsync(organisation, bookId, new ContactQuery(Sort: ContactSort.CreatedAt, Skip: page.Skip, Take: page.PageSize), ct);
            var results = items.Select(c => new
            {
                id = c.Id,
                first_name = c.FirstName,
                last_name = c.LastName,
                phone = c.Mobile is null ? null : "+" + c.Mobile,
                email = c.Email ?? c.CustomFields.GetValueOrDefault("email"), // imports before e-mail addresses kept them as a custom field
                notes = c.CustomFields.GetValueOrDefault("notes"),
                created_at = ApiEndpoints.Timestamp(c.CreatedAt, zone),
            }).ToList();
            return Results.Json(page.Envelope(http.Request, total, results, ("address_book", new { id = book.Id, name = book.Name })), ApiError.Json);
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            return ApiError.Result(StatusCodes.Status404NotFound, "not_found", "No address book with this id belongs to your organisation.");
        }
    }

    private static IResult Invalid(string field, string detail) =>
        ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request", detail, new Dictionary<string, string> { [field] = detail });
}
