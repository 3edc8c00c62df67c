using System.Text.Json;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Pricing;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// <c>POST /v1/sms/send/</c>, <c>/v1/sms/send-bulk/</c> and <c>/v1/sms/send-group/</c>, on the same send service as the
/// dashboard: every send is a campaign, its credit reserved, its messages dispatched and shown in the explorer.
/// </summary>
public static class SendEndpoints
{
    private const int MaxBodyBytes = 1024 * 1024;

    public static RouteGroupBuilder MapSendEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/sms/send/", SendOneAsync).RequireAuthorization(ApiEndpoints.SendPolicy).RequireRateLimiting(ApiRateLimits.Send)
            .WithSummary("Send one SMS").WithDescription("Body: mobile, message, optional sender_id. 201 with the message's id (the one fetch messages shows) and status queued.");
        v1.MapPost("/sms/send-bulk/", SendBulkAsync).RequireAuthorization(ApiEndpoints.SendPolicy).RequireRateLimiting(ApiRateLimits.SendBulk)
            .WithSummary("Send bulk SMS").WithDescription("Body: recipients (up to 10,000), message, optional sender_id. 201 all queued, 207 partial.");
        v1.MapPost("/sms/send-group/", SendGroupAsync).RequireAuthorization(ApiEndpoints.SendPolicy)
            .WithSummary("Send to address books").WithDescription("Body: group_ids, message, optional sender_id and scheduled_at. 202 with campaign_id.");
        return v1;
    }

    // One SMS is a one-recipient campaign through the all-or-nothing path: a bad number or too little credit refuses it.
    private static async Task<IResult> SendOneAsync(HttpContext http, CampaignService campaigns, Core.Messages.MessageQueries messages, CancellationToken ct)
    {
        var (json, error) = await ApiJson.ReadObjectAsync(http, 64 * 1024, ct);
        if (json is not { } body)
            return error!;
        if (ApiJson.String(body, "mobile") is not { } mobile || string.IsNullOrWhiteSpace(mobile))
            return Invalid("mobile", "mobile is required: a Kenyan mobile number such as 254712345678 or 0712345678.");
        if (!Core.Phones.PhoneNumber.TryParse(mobile, out _, out var numberProblem))
            return Invalid("mobile", numberProblem ?? "mobile is not a Kenyan mobile number.");
        if (ApiJson.String(body, "message") is not { } message || string.IsNullOrWhiteSpace(message))
            return Invalid("message", "message is required.");
        if (!ApiJson.OptionalString(body, "sender_id", out var sender))
            return Invalid("sender_id", "sender_id must be a string.");
        try
        {
            var organisation = http.User.OrganisationIdOf();
            var result = await campaigns.SendToAddressBooksAsync(new SendRequest
            {
                OrganisationId = organisation,
                Message = message,
                SenderId = sender,
                Numbers = [mobile],
                Source = MessageSource.Api,
                CreatedBy = "api",
            }, ct);
            var queued = await messages.GetAsync(organisation, result.Queued.Single().Id, ct);
            return Results.Json(new
            {
                id = queued!.Id,
                mobile = queued.Address,
                sender_id = queued.SenderId,
                message = queued.Body,
                status = "queued",
                created_at = ApiEndpoints.Timestamp(queued.CreatedAt, http.User.TimeZoneOf()),
            }, ApiError.Json, statusCode: StatusCodes.Status201Created);
        }
        catch (DomainException e)
        {
            return SendError(e);
        }
    }

    private static async Task<IResult> SendBulkAsync(HttpContext http, CampaignService campaigns, CancellationToken ct)
    {
        var (json, error) = await ApiJson.ReadObjectAsync(http, MaxBodyBytes, ct);
        if (json is not { } body)
            return error!;
        if (!body.TryGetProperty("recipients", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            return Invalid("recipients", "recipients must be a non-empty array of phone numbers.");
        if (list.GetArrayLength() > 10_000)
            return Invalid("recipients", $"recipients has {list.GetArrayLength():N0} numbers; a call can have at most 10,000.");
        if (list.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            return Invalid("recipients", "Every recipient must be a string, e.g. \"254712345678\".");
        if (ApiJson.String(body, "message") is not { } message || string.IsNullOrWhiteSpace(message))
            return Invalid("message", "message is required.");
        if (!ApiJson.OptionalString(body, "sender_id", out var sender))
            return Invalid("sender_id", "sender_id must be a string.");
        try
        {
            var result = await campaigns.SendBulkAsync(new SendRequest
            {
                OrganisationId = http.User.OrganisationIdOf(),
                Message = message,
                SenderId = sender,
                Numbers = list.EnumerateArray().Select(r => r.GetString()!).ToList(),
                Source = MessageSource.Api,
                CreatedBy = "api",
            }, ct);
            var response = new
            {
                queued = result.Queued.Count,
                failed = result.Errors.Count,
                total = result.Queued.Count + result.Errors.Count,
                sender_id = result.SenderId,
                campaign_id = result.CampaignId,
                results = result.Queued.Select(q => new { id = q.Id, mobile = q.Mobile, status = "queued" }),
                errors = result.Errors.Select(e => new { mobile = e.Mobile, error = e.Error, detail = e.Detail }),
            };
            return Results.Json(response, ApiError.Json, statusCode: result.Errors.Count == 0 ? StatusCodes.Status201Created : StatusCodes.Status207MultiStatus);
        }
        catch (DomainException e)
        {
            return SendError(e);
        }
    }

    private static async Task<IResult> SendGroupAsync(HttpContext http, CampaignService campaigns, CancellationToken ct)
    {
        var (json, error) = await ApiJson.ReadObjectAsync(http, MaxBodyBytes, ct);
        if (json is not { } body)
            return error!;
        if (!body.TryGetProperty("group_ids", out var groups) || groups.ValueKind != JsonValueKind.Array || groups.GetArrayLength() == 0)
            return Invalid("group_ids", "group_ids must be a non-empty array of address book ids.");
        var ids = new List<Guid>();
        foreach (var group in groups.EnumerateArray())
        {
            if (group.ValueKind != JsonValueKind.String || !Guid.TryParse(group.GetString(), out var id))
                return Invalid("group_ids", "Every group id must be an address book UUID from GET /v1/address-books/.");
            ids.Add(id);
        }
        if (ApiJson.String(body, "message") is not { } message || string.IsNullOrWhiteSpace(message))
            return Invalid("message", "message is required.");
        if (!ApiJson.OptionalString(body, "sender_id", out var sender))
            return Invalid("sender_id", "sender_id must be a string.");
        if (!ApiJson.OptionalString(body, "scheduled_at", out var scheduledText))
            return Invalid("scheduled_at", "scheduled_at must be an ISO 8601 time, e.g. 2026-07-01T08:00:00Z.");
        DateTime? scheduledAt = null;
        if (scheduledText is not null)
        {
            if (!DateTimeOffset.TryParse(scheduledText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                return Invalid("scheduled_at", "scheduled_at must be an ISO 8601 time, e.g. 2026-07-01T08:00:00Z.");
            scheduledAt = at.UtcDateTime;
        }
        try
        {
            var result = await campaigns.SendToAddressBooksAsync(new SendRequest
            {
                OrganisationId = http.User.OrganisationIdOf(),
                Message = message,
                SenderId = sender,
                AddressBookIds = ids,
                ScheduledAt = scheduledAt,
                Source = MessageSource.Api,
                CreatedBy = "api",
            }, ct);
            return Results.Json(new
            {
                campaign_id = result.CampaignId,
                status = CampaignIds.SmsStatus(result.Status),
                recipients_count = result.Queued.Count,
                group_names = result.GroupNames,
                sender_id = result.SenderId,
                estimated_cost = Money.Format(result.Cost),
            }, ApiError.Json, statusCode: StatusCodes.Status202Accepted);
        }
        catch (DomainException e)
        {
            return SendError(e);
        }
    }

    // The documents' codes: an unknown or unapproved sender is 422, no credit 402, unknown books 404, the rest 400.
    private static IResult SendError(DomainException e) => (e.Code, e.Field) switch
    {
        ("insufficient_balance", _) => ApiError.Result(StatusCodes.Status402PaymentRequired, "insufficient_balance", e.Message),
        ("not_found", _) => ApiError.Result(StatusCodes.Status404NotFound, "not_found", "No matching address books were found for the provided ids."),
        (_, "senderId") => ApiError.Result(StatusCodes.Status422UnprocessableEntity, "validation_error", e.Message, new Dictionary<string, string> { ["sender_id"] = e.Message }),
        (_, var field) => ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request", e.Message,
            field is null ? null : new Dictionary<string, string> { [ApiJson.SnakeCase(field)] = e.Message }),
    };

    private static IResult Invalid(string field, string detail) =>
        ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request", detail, new Dictionary<string, string> { [field] = detail });
}

/// <summary>Request bodies: one size limit, JSON objects only, typed field access with clear errors.</summary>
public static class ApiJson
{
    public static async Task<(JsonElement? Json, IResult? Error)> ReadObjectAsync(HttpContext http, int maxBytes, CancellationToken ct)
    {
        if (http.Request.ContentLength > maxBytes)
            return (null, ApiError.Result(StatusCodes.Status413PayloadTooLarge, "invalid_request", $"The body is larger than {maxBytes / 1024} KB."));
        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (limited.Length + read > maxBytes)
                    return (null, ApiError.Result(StatusCodes.Status413PayloadTooLarge, "invalid_request", $"The body is larger than {maxBytes / 1024} KB."));
                limited.Write(buffer, 0, read);
            }
            if (!System.Text.Unicode.Utf8.IsValid(limited.GetBuffer().AsSpan(0, (int)limited.Length)))
                return (null, ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request", "The body is not UTF-8 text: send JSON encoded as UTF-8."));
            limited.Position = 0;
            using var document = await JsonDocument.ParseAsync(limited, cancellationToken: ct);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request", "The body must be a JSON object."));
            if (!IsValidText(document.RootElement))
                return (null, ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request",
                    "The body is not valid JSON text: a string or property name holds a lone surrogate (such as \\ud800), which is not Unicode text."));
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (null, ApiError.Result(StatusCodes.Status400BadRequest, "invalid_request", "The body is not valid JSON."));
        }
    }

    // JsonDocument defers decoding strings until they are read, and then throws: read every one here, once, so that no
    // endpoint meets a string it cannot decode.
    private static bool IsValidText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        if (!IsValidText(property.Value))
                            return false;
                    }
                    return true;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                        if (!IsValidText(item))
                            return false;
                    return true;
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static string? String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>False when the field is present but not a string (or null).</summary>
    public static bool OptionalString(JsonElement body, string name, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            return true;
        if (element.ValueKind != JsonValueKind.String)
            return false;
        value = element.GetString();
        return true;
    }

    public static string SnakeCase(string field) => JsonNamingPolicy.SnakeCaseLower.ConvertName(field);
}
