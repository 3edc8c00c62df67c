using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// The multi-channel endpoints (campaigns-multichannel.txt and the contract in DESIGN.md): <c>POST /v1/campaigns/</c>,
/// <c>GET /v1/campaigns/{id}/</c>, <c>GET /v1/campaigns/</c> and <c>GET /v1/sender-ids/</c>. A campaign made here goes
/// through the same send service as the SMS endpoints and the dashboard, so each of them sees it. These endpoints speak
/// UTC and answer a missing key with <c>unauthorized</c>, as their document does.
/// </summary>
public static partial class CampaignEndpoints
{
    private const int MaxBodyBytes = 256 * 1024;

    public static RouteGroupBuilder MapCampaignEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/campaigns/", CreateAsync).RequireAuthorization(ApiEndpoints.SendPolicy).RequireRateLimiting(ApiRateLimits.SendBulk)
            .WithMetadata(UnauthorizedCode.MultiChannel)
            .WithSummary("Create a campaign").WithDescription(
                "Body: name, channel (sms, whatsapp, telegram, email, slack), contact_list_id (an address book id), sender_id (optional for slack), " +
                "body or template {name, language, parameters} (WhatsApp only), subject (e-mail, required there), optional scheduled_at (UTC, future). " +
                "201 with the campaign (id cmp_…). Counts toward the 60 a minute of send-bulk.");
        v1.MapGet("/campaigns/", ListAsync).RequireAuthorization(ApiEndpoints.ReadPolicy).WithMetadata(UnauthorizedCode.MultiChannel)
            .WithSummary("List campaigns").WithDescription("Every channel's campaigns, newest first; page (from 1) and page_size (default 50, at most 100).");
        v1.MapGet("/campaigns/{id}/", GetAsync).RequireAuthorization(ApiEndpoints.ReadPolicy).WithMetadata(UnauthorizedCode.MultiChannel)
            .WithSummary("Campaign status").WithDescription("One campaign by its cmp_ id or UUID: status, counts and times (UTC).");
        v1.MapGet("/sender-ids/", SenderIdsAsync).RequireAuthorization(ApiEndpoints.ReadPolicy).WithMetadata(UnauthorizedCode.MultiChannel)
            .WithSummary("Origins on every channel").WithDescription("SMS sender IDs, WhatsApp numbers, Telegram bots, e-mail senders and Slack: name, channel, category (SMS), status, is_default.");
        return v1;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CampaignService campaigns, CampaignQueries queries, CancellationToken ct)
    {
        var (json, error) = await ApiJson.ReadObjectAsync(http, MaxBodyBytes, ct);
        if (json is not { } body)
            return error!;
        if (Text(body, "name", required: true, "a name for the campaign, e.g. Weekend Sale - June 2026", out var name) is { } badName)
            return badName;
        if (Text(body, "channel", required: true, "one of sms, whatsapp, telegram, email, slack", out var channelName) is { } badChannel)
            return badChannel;
        if (!ChannelNames.TryParse(channelName, out var channel))
            return Invalid("channel", $"Unknown channel '{channelName}': use one of {string.Join(", ", ChannelNames.All.Select(c => c.ToApiName()))}.");
        if (Text(body, "contact_list_id", required: true, "the id of an address book from GET /v1/address-books/", out var listText) is { } badList)
            return badList;
        if (!Guid.TryParse(listText, out var listId))
            return Invalid("contact_list_id", "contact_list_id must be an address book's id (a UUID) from GET /v1/address-books/.");
        if (Text(body, "sender_id", required: ChannelRules.NeedsOrigin(channel), $"your {SenderIdService.OriginNoun(channel).ToLowerInvariant()} for {channel.ToDisplayName()} (GET /v1/sender-ids/)", out var sender) is { } badSender)
            return badSender;
        if (Text(body, "body", required: false, "", out var text) is { } badBody)
            return badBody;
        if (Text(body, "subject", required: false, "", out var subject) is { } badSubject)
            return badSubject;
        if (Template(body, out var template) is { } badTemplate)
            return badTemplate;
        if (ScheduledAt(body, out var scheduledAt) is { } badTime)
            return badTime;
        if (name!.Trim().Length > Campaign.MaxNameLength)
            return Unprocessable("name", $"name is at most {Campaign.MaxNameLength} characters; this one has {name.Trim().Length}.");
        try
        {
            var organisation = http.User.OrganisationIdOf();
            var result = await campaigns.SendToAddressBooksAsync(new SendRequest
            {
                OrganisationId = organisation,
                Name = name,
                Channel = channel,
                Message = text,
                Subject = subject,
                Template = template,
                SenderId = sender,
                AddressBookIds = [listId],
                ScheduledAt = scheduledAt,
                Source = MessageSource.Api,
                CreatedBy = "api",
            }, ct);
            var created = await queries.GetAsync(organisation, result.CampaignId!.Value, ct);
            return Results.Json(new
            {
                id = CampaignIds.Format(created.Id),
                status = CampaignIds.MultiChannelStatus(created),
                name = created.Name,
                channel = created.Channel.ToApiName(),
                recipients_count = created.RecipientsCount,
                created_at = ApiEndpoints.UtcTimestamp(created.CreatedAt),
            }, ApiError.Json, statusCode: StatusCodes.Status201Created);
        }
        catch (DomainException e)
        {
            return CreateError(e);
        }
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, CampaignQueries queries, CampaignCompletion completion, CancellationToken ct)
    {
        // An id in neither form cannot be a campaign: the same 404 as another organisation's.
        if (!CampaignIds.TryParse(id, out var campaignId))
            return NotFound();
        try
        {
            var campaign = await queries.GetAsync(http.User.OrganisationIdOf(), campaignId, ct);
            return Results.Json(await ViewAsync(campaign, completion, ct), ApiError.Json);
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            return NotFound();
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, CampaignQueries queries, CampaignCompletion completion, CancellationToken ct)
    {
        var (page, error) = ApiPage.From(http.Request, defaultSize: 50, maxSize: 100);
        if (page is null)
            return error!;
        var (items, total) = await queries.ListAsync(http.User.OrganisationIdOf(), new CampaignFilter(), page.Skip, page.PageSize, ct);
        var results = new List<Dictionary<string, object?>>(items.Count);
        foreach (var campaign in items)
            results.Add(await ViewAsync(campaign, completion, ct));
        return Results.Json(page.Envelope(http.Request, total, results), ApiError.Json);
    }

    private static async Task<IResult> SenderIdsAsync(HttpContext http, SenderIdService senders, CancellationToken ct)
    {
        // In the channels' order (sms, whatsapp, telegram, email, slack), each channel's default first.
        var list = await senders.ListAsync(http.User.OrganisationIdOf(), ct);
        return Results.Json(new
        {
            count = list.Count,
            results = list.Select(s => new
            {
                id = s.Id,
                name = s.Name,
                channel = s.Channel.ToApiName(),
                // Operators register SMS sender IDs as transactional or promotional; the other channels have no category.
                category = s.Channel == Channel.Sms ? s.Category.ToString().ToLowerInvariant() : null,
                status = s.Status.ToString().ToLowerInvariant(),
                is_default = s.IsDefault,
            }),
        }, ApiError.Json);
    }

    /// <summary>A campaign as GET /v1/campaigns/{id}/ and the list show it, with the document's fields in its order.</summary>
    private static async Task<Dictionary<string, object?>> ViewAsync(CampaignView c, CampaignCompletion completion, CancellationToken ct)
    {
        var status = CampaignIds.MultiChannelStatus(c);
        var figures = CampaignFigures.Of(c);
        return new Dictionary<string, object?>
        {
            ["id"] = CampaignIds.Format(c.Id),
            ["name"] = c.Name,
            ["status"] = status,
            ["channel"] = c.Channel.ToApiName(),
            ["recipients_count"] = c.RecipientsCount,
            ["delivered_count"] = figures.Delivered,
            // "failed or were undeliverable": refused by the provider (or blocked), and reported not delivered.
            ["failed_count"] = figures.Failed + figures.Undelivered,
            ["created_at"] = ApiEndpoints.UtcTimestamp(c.CreatedAt),
            ["started_at"] = c.StartedAt is { } started ? ApiEndpoints.UtcTimestamp(started) : null,
            ["completed_at"] = status == "completed" ? ApiEndpoints.UtcTimestamp(await completion.CompletedAtAsync(c, ct)) : null,
        };
    }

    // The document's codes: no such list 404, too little credit 422 insufficient_credits, a refused field 422 naming it
    // as the request does; a scheduled time in the past is a bad scheduled_at, 400.
    private static IResult CreateError(DomainException e) => (e.Code, e.Field) switch
    {
        ("insufficient_balance", _) => ApiError.Result(StatusCodes.Status422UnprocessableEntity, "insufficient_credits", e.Message),
        ("not_found", _) => ApiError.Result(StatusCodes.Status404NotFound, "not_found", "No address book with this contact_list_id belongs to your organisation: see GET /v1/address-books/."),
        (_, "scheduledAt") => Invalid("scheduled_at", e.Message),
        (_, var field) => ApiError.Result(StatusCodes.Status422UnprocessableEntity, "validation_error", e.Message,
            field is null ? null : new Dictionary<string, string> { [RequestField(field)] = e.Message }),
    };

    // The send service's field names as this request spells them.
    private static string RequestField(string field) => field switch
    {
        "message" => "body",
        "senderId" => "sender_id",
        "recipients" or "addressBooks" => "contact_list_id",
        _ => ApiJson.SnakeCase(field),
    };

    // A string field: absent or null is fine unless required; any other type, or a blank required one, is a 400.
    private static IResult? Text(JsonElement body, string field, bool required, string what, out string? value)
    {
        if (!ApiJson.OptionalString(body, field, out value))
            return Invalid(field, $"{field} must be a string.");
        if (required && string.IsNullOrWhiteSpace(value))
            return Invalid(field, $"{field} is required: {what}.");
        return null;
    }

    // template: {"name", "language", "parameters": [...]}. Parameters may be numbers (an order number), taken as written.
    private static IResult? Template(JsonElement body, out WhatsAppTemplate? template)
    {
        template = null;
        if (!body.TryGetProperty("template", out var element) || element.ValueKind == JsonValueKind.Null)
            return null;
        const string shape = "template must be an object: {\"name\": \"order_update\", \"language\": \"en\", \"parameters\": [\"Wanjiku\", \"4411\"]}.";
        if (element.ValueKind != JsonValueKind.Object)
            return Invalid("template", shape);
        if (!ApiJson.OptionalString(element, "name", out var name) || !ApiJson.OptionalString(element, "language", out var language))
            return Invalid("template", shape);
        var parameters = new List<string>();
        if (element.TryGetProperty("parameters", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
                return Invalid("template", "template.parameters must be an array of strings, one per {{1}}, {{2}}… of the template.");
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                    return Invalid("template", "template.parameters must be an array of strings, one per {{1}}, {{2}}… of the template.");
                parameters.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
            }
        }
        template = new WhatsAppTemplate(name ?? "", language ?? "", parameters);
        return null;
    }

    // ISO 8601 and nothing looser: a date and a time, with Z or an offset (none means UTC, as the document speaks UTC).
    private static IResult? ScheduledAt(JsonElement body, out DateTime? scheduledAt)
    {
        scheduledAt = null;
        const string example = "scheduled_at must be an ISO 8601 UTC time in the future, e.g. 2026-07-01T08:00:00Z, or null to send now.";
        if (!ApiJson.OptionalString(body, "scheduled_at", out var text))
            return Invalid("scheduled_at", example);
        if (text is null)
            return null;
        if (!IsoTime().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return Invalid("scheduled_at", example);
        scheduledAt = at.UtcDateTime;
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$")]
    private static partial Regex IsoTime();

    private static IResult NotFound() =>
        ApiError.Result(StatusCodes.Status404NotFound, "not_found", "No campaign with this id belongs to your organisation: use the id (cmp_…) or UUID a send answered.");

    private static IResult Invalid(string field, string detail) =>
        ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request", detail, new Dictionary<string, string> { [field] = detail });

    private static IResult Unprocessable(string field, string detail) =>
        ApiError.Result(StatusCodes.Status422UnprocessableEntity, "validation_error", detail, new Dictionary<string, string> { [field] = detail });
}
