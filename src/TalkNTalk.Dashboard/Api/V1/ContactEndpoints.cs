using System.Text.Json;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// The contacts API the send documents point to (DESIGN.md's contract): a book's contacts listed, upserted by address,
/// deleted, and opted out of one channel. The same services as the address book pages: the contact form's checks and
/// the CSV import's upsert rules (<see cref="ContactImporter.UpsertAsync"/>). Times carry the organisation's offset,
/// like the rest of <c>/v1/address-books/</c>.
/// </summary>
public static class ContactEndpoints
{
    public const int MaxContactsPerCall = 10_000;

    // Ten thousand contacts with names, every address and a few fields fit in a few megabytes.
    private const int MaxBodyBytes = 8 * 1024 * 1024;

    public static RouteGroupBuilder MapContactEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/address-books/{id}/contacts/", ListAsync).RequireAuthorization(ApiEndpoints.ReadPolicy)
            .WithSummary("List a book's contacts").WithDescription("Oldest first; page (from 1) and page_size (default 100, at most 500). Each with every address, fields, status and the channels it opted out of.");
        v1.MapPost("/address-books/{id}/contacts/", UpsertAsync).RequireAuthorization(ApiEndpoints.SendPolicy)
            .WithSummary("Add or update contacts").WithDescription(
                "Body: contacts, up to 10,000 of {mobile, email, telegram_chat_id, slack_user_id, first_name, last_name, fields}, each with at least one address. " +
                "A contact the book already has (by any address) is updated, never opted back in. 200 when all were taken, 207 with per-contact errors.");
        v1.MapDelete("/address-books/{id}/contacts/{contactId}/", DeleteAsync).RequireAuthorization(ApiEndpoints.SendPolicy)
            .WithSummary("Delete a contact").WithDescription("Removes the contact from this book; 204. Its opt-outs stay, so it cannot be re-added to receive again.");
        v1.MapPost("/address-books/{id}/contacts/{contactId}/opt-out/", OptOutAsync).RequireAuthorization(ApiEndpoints.SendPolicy)
            .WithSummary("Opt a contact out").WithDescription(
                "Body: {\"channel\": \"email\"} stops that channel for the contact's address on it, organisation-wide (an SMS STOP leaves e-mail alone); " +
                "\"all\" stops every channel (contact no more). 200 with the contact.");
        return v1;
    }

    private static async Task<IResult> ListAsync(string id, HttpContext http, ContactService contacts, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var bookId))
            return BookNotFound();
        var (page, error) = ApiPage.From(http.Request, maxSize: ContactService.MaxPageSize);
        if (page is null)
            return error!;
        try
        {
            var (items, total) = await contacts.QueryAsync(http.User.OrganisationIdOf(), bookId,
                new ContactQuery(Sort: ContactSort.CreatedAt, Skip: page.Skip, Take: page.PageSize), ct);
            var zone = http.User.TimeZoneOf();
            return Results.Json(page.Envelope(http.Request, total, items.Select(c => ContactJson(c, zone)).ToList()), ApiError.Json);
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            return BookNotFound();
        }
    }

    private static async Task<IResult> UpsertAsync(string id, HttpContext http, ContactImporter importer, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var bookId))
            return BookNotFound();
        var (json, error) = await ApiJson.ReadObjectAsync(http, MaxBodyBytes, ct);
        if (json is not { } body)
            return error!;
        if (!body.TryGetProperty("contacts", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            return Invalid("contacts", "contacts must be a non-empty array of contacts, e.g. [{\"mobile\": \"254712345678\", \"first_name\": \"Wanjiku\"}].");
        if (list.GetArrayLength() > MaxContactsPerCall)
            return Invalid("contacts", $"contacts has {list.GetArrayLength():N0} entries; a call takes at most {MaxContactsPerCall:N0}. Send the rest in another call.");

        // Contacts of the wrong shape are refused here; the rest go to the upsert, which knows them by their position
        // in what it was given, so each keeps its index in the request.
        var inputs = new List<ContactInput>(list.GetArrayLength());
        var indexes = new List<int>(list.GetArrayLength());
        var errors = new List<ContactError>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var read = Read(item);
            if (read.Contact is { } input)
            {
                inputs.Add(input);
                indexes.Add(index);
            }
            else
                errors.Add(new ContactError(index, read.Field, "invalid_request", read.Problem));
            index++;
        }
        try
        {
            var report = await importer.UpsertAsync(http.User.OrganisationIdOf(), bookId, inputs, ct);
            errors.AddRange(report.Rejected.Select(r => new ContactError(indexes[r.Index], r.Field is null ? null : RequestField(r.Field), r.Error, r.Detail)));
            errors.Sort((a, b) => a.Index.CompareTo(b.Index));
            return Results.Json(new
            {
                received = list.GetArrayLength(),
                created = report.Created,
                updated = report.Updated,
                unchanged = report.Unchanged,
                failed = errors.Count,
                results = report.Taken.Select(t => new { index = indexes[t.Index], id = t.ContactId, status = t.Outcome }),
                errors,
            }, ApiError.Json, statusCode: errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status207MultiStatus);
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            return BookNotFound();
        }
    }

    private static async Task<IResult> DeleteAsync(string id, string contactId, HttpContext http, ContactService contacts, CancellationToken ct)
    {
        var (bookId, contact, notFound) = Ids(id, contactId);
        if (notFound is not null)
            return notFound;
        try
        {
            return await contacts.RemoveAsync(http.User.OrganisationIdOf(), bookId, [contact], ct) == 0 ? ContactNotFound() : Results.NoContent();
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            return BookNotFound();
        }
    }

    private static async Task<IResult> OptOutAsync(string id, string contactId, HttpContext http, ContactService contacts, CancellationToken ct)
    {
        var (bookId, contact, notFound) = Ids(id, contactId);
        if (notFound is not null)
            return notFound;
        var (json, error) = await ApiJson.ReadObjectAsync(http, 64 * 1024, ct);
        if (json is not { } body)
            return error!;
        const string channels = "one of sms, whatsapp, telegram, email, slack, or all (every channel: contact no more)";
        if (!ApiJson.OptionalString(body, "channel", out var channelText) || string.IsNullOrWhiteSpace(channelText))
            return Invalid("channel", $"channel is required: {channels}.");
        var all = string.Equals(channelText.Trim(), "all", StringComparison.OrdinalIgnoreCase);
        if (!all && !ChannelNames.TryParse(channelText, out _))
            return Invalid("channel", $"Unknown channel '{channelText}': use {channels}.");
        var organisation = http.User.OrganisationIdOf();
        try
        {
            // Found first, so that a contact of another book (or organisation) is a 404 whichever way it is opted out.
            await contacts.GetAsync(organisation, bookId, contact, ct);
            if (all)
                await contacts.SetStatusAsync(organisation, bookId, [contact], ContactStatus.OptedOut, ct);
            else
            {
                ChannelNames.TryParse(channelText, out var channel);
                await contacts.SetChannelOptOutAsync(organisation, bookId, contact, channel, optedOut: true, ct);
            }
            return Results.Json(ContactJson(await contacts.GetAsync(organisation, bookId, contact, ct), http.User.TimeZoneOf()), ApiError.Json);
        }
        catch (DomainException e)
        {
            return e.Code == "not_found"
                ? e.Message.StartsWith("Contact", StringComparison.Ordinal) ? ContactNotFound() : BookNotFound()
                // The contact has no address on that channel: nothing to opt out of.
                : ApiError.Refused(e);
        }
    }

    /// <summary>A contact as the list and the opt-out answer show it: every address as stored, and where it no longer receives.</summary>
    private static object ContactJson(ContactView c, string zone) => new
    {
        id = c.Id,
        mobile = c.Mobile,
        email = c.Email,
        telegram_chat_id = c.TelegramChatId,
        slack_user_id = c.SlackUserId,
        first_name = c.FirstName,
        last_name = c.LastName,
        fields = c.CustomFields,
        status = c.Status == ContactStatus.OptedOut ? "opted_out" : "active",
        opted_out_channels = ChannelNames.All.Where(channel => c.AddressFor(channel) is not null && c.IsOptedOutOf(channel)).Select(channel => channel.ToApiName()),
        created_at = ApiEndpoints.Timestamp(c.CreatedAt, zone),
        updated_at = ApiEndpoints.Timestamp(c.UpdatedAt, zone),
    };

    /// <summary>A contact the call did not take: its index in <c>contacts</c>, the field at fault (null for the whole contact), a code and why.</summary>
    private sealed record ContactError(int Index, string? Field, string Error, string Detail);

    /// <summary>One element of <c>contacts</c>, or the field whose type is wrong. Numbers are taken for a mobile and a chat id, as clients hold them.</summary>
    private readonly record struct ReadContact(ContactInput? Contact, string? Field, string Problem);

    private static ReadContact Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return new ReadContact(null, null, "Each contact must be an object, e.g. {\"mobile\": \"254712345678\", \"first_name\": \"Wanjiku\"}.");
        string? Value(string field, bool number, ref string? wrong)
        {
            if (!item.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
                return null;
            if (value.ValueKind == JsonValueKind.String)
                return value.GetString();
            if (number && value.ValueKind == JsonValueKind.Number)
                return value.GetRawText();
            wrong ??= field;
            return null;
        }
        string? wrong = null;
        var mobile = Value("mobile", true, ref wrong);
        var email = Value("email", false, ref wrong);
        var chat = Value("telegram_chat_id", true, ref wrong);
        var member = Value("slack_user_id", false, ref wrong);
        var first = Value("first_name", false, ref wrong);
        var last = Value("last_name", false, ref wrong);
        Dictionary<string, string>? fields = null;
        if (item.TryGetProperty("fields", out var custom) && custom.ValueKind != JsonValueKind.Null)
        {
            if (custom.ValueKind != JsonValueKind.Object)
                wrong ??= "fields";
            else
            {
                fields = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var field in custom.EnumerateObject())
                {
                    if (field.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                        fields[field.Name] = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
                    else if (field.Value.ValueKind != JsonValueKind.Null)
                        wrong ??= "fields";
                }
            }
        }
        if (wrong is not null)
            return new ReadContact(null, wrong, wrong == "fields"
                ? "fields must be an object of text values, e.g. {\"branch\": \"Kisumu\"}."
                : $"{wrong} must be a string.");
        return new ReadContact(new ContactInput(mobile, first, last, fields, email, chat, member), null, "");
    }

    // The contact rules' field names as this request spells them.
    private static string RequestField(string field) => field == "customFields" ? "fields" : ApiJson.SnakeCase(field);

    // A book id that is no UUID, or a contact id that is no number, names nothing: the same 404 as another organisation's.
    private static (Guid Book, long Contact, IResult? NotFound) Ids(string book, string contact) =>
        !Guid.TryParse(book, out var bookId) ? (default, 0, BookNotFound())
        : !long.TryParse(contact, out var contactId) ? (bookId, 0, ContactNotFound())
        : (bookId, contactId, null);

    private static IResult BookNotFound() =>
        ApiError.Result(StatusCodes.Status404NotFound, "not_found", "No address book with this id belongs to your organisation: see GET /v1/address-books/.");

    private static IResult ContactNotFound() =>
        ApiError.Result(StatusCodes.Status404NotFound, "not_found", "This address book has no contact with this id: see GET /v1/address-books/{id}/contacts/.");

    private static IResult Invalid(string field, string detail) =>
        ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request", detail, new Dictionary<string, string> { [field] = detail });
}
