using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>The <c>/v1</c> REST API, as the reference documents specify it.</summary>
public static class ApiEndpoints
{
    public const string ReadPolicy = "api:read";
    public const string SendPolicy = "api:send";

    /// <summary>Any valid key, whatever its permissions: verifying a key, the balance, the sender IDs.</summary>
    public const string AnyKeyPolicy = "api:key";

    /// <summary>The live hub: a signed-in member, or an API key with read access.</summary>
    public const string LivePolicy = "live";

    public static void AddApiPolicies(AuthorizationOptions options)
    {
        options.AddPolicy(LivePolicy, p => p
            .AddAuthenticationSchemes(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme, ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.Identity?.AuthenticationType != ApiKeyAuthenticationHandler.SchemeName
                                         || context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, "read")));
        options.AddPolicy(AnyKeyPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        options.AddPolicy(ReadPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser()
            .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, "read"));
        options.AddPolicy(SendPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser()
            .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, "send"));
    }

    public static IEndpointRouteBuilder MapApiV1(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").DisableAntiforgery().WithTags("TalkNTalk API v1").RequireRateLimiting(ApiRateLimits.Requests);
        v1.MapPost("/sms/campaigns/status/", CampaignStatusAsync).RequireAuthorization(ReadPolicy)
            .WithSummary("Campaign status").WithDescription("Body: {\"campaign_id\": \"<uuid>\"}. Counts, delivery_rate and times of one campaign.");
        v1.MapOrganisationEndpoints();
        v1.MapAddressBookEndpoints();
        v1.MapSendEndpoints();
        v1.MapMessageEndpoints();
        v1.MapCampaignEndpoints();
        v1.MapContactEndpoints();
        return endpoints;
    }

    private static async Task<IResult> CampaignStatusAsync(HttpContext http, CampaignQueries campaigns, CancellationToken ct)
    {
        var (json, error) = await ApiJson.ReadObjectAsync(http, 64 * 1024, ct);
        if (json is not { } body)
            return error!;
        if (!body.TryGetProperty("campaign_id", out var idElement) || idElement.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return ApiError.Result(400, "invalid_request", "campaign_id is required.", new Dictionary<string, string> { ["campaign_id"] = "Required." });
        if (idElement.ValueKind != JsonValueKind.String || !CampaignIds.TryParse(idElement.GetString(), out var campaignId))
            return ApiError.Result(400, "invalid_request", "campaign_id must be the UUID returned when you sent the campaign.", new Dictionary<string, string> { ["campaign_id"] = "Must be a UUID." });
        try
        {
            var c = await campaigns.GetAsync(http.User.OrganisationIdOf(), campaignId, ct);
            var zone = http.User.TimeZoneOf();
            return Results.Json(new
            {
                campaign_id = c.Id,
                status = CampaignIds.SmsStatus(c.Status),
                message = c.Message,
                sender_id = c.SenderId,
                recipients_count = c.RecipientsCount,
                sent_count = c.SentCount,
                failed_count = c.FailedCount,
                delivery_rate = c.DeliveryRate,
                created_at = Timestamp(c.CreatedAt, zone),
                started_at = c.StartedAt is { } started ? Timestamp(started, zone) : null,
                finished_at = c.FinishedAt is { } finished ? Timestamp(finished, zone) : null,
            }, ApiError.Json);
        }
        catch (DomainException e)
        {
            return ApiError.From(e);
        }
    }

    /// <summary>ISO 8601 with the organisation's offset, e.g. 2026-05-20T11:30:00+03:00, as the documents show.</summary>
    public static string Timestamp(DateTime utc, string zone) =>
        OrganisationTime.ToLocal(utc, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 in UTC, e.g. 2026-07-01T08:00:00Z: the multi-channel endpoints' times, as their document shows.</summary>
    public static string UtcTimestamp(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The API's view of campaign ids and statuses, mapped in one place.</summary>
public static class CampaignIds
{
    /// <summary>Accepts the UUID, or the multi-channel form <c>cmp_</c> + 32 hex digits.</summary>
    public static bool TryParse(string? text, out Guid id)
    {
        id = default;
        if (text is null)
            return false;
        var value = text.Trim();
        if (value.StartsWith("cmp_", StringComparison.Ordinal))
            return value.Length == 36 && Guid.TryParseExact(value[4..], "N", out id);
        return Guid.TryParse(value, out id);
    }

    /// <summary>How the multi-channel endpoints show a campaign id: <c>cmp_</c> and the UUID's 32 hex digits.</summary>
    public static string Format(Guid id) => "cmp_" + id.ToString("N");

    /// <summary>
    /// The multi-channel endpoints speak draft / scheduled / processing / sent / completed / failed. A campaign the
    /// dispatcher finished (every message handed over) is <c>sent</c> while delivery reports are still due or an outcome
    /// is unknown, and <c>completed</c> once every message is final. A paused campaign waits for provider credit and
    /// resumes by itself, so it is still processing; a cancelled one ended without reaching everyone, as on the SMS endpoints.
    /// </summary>
    public static string MultiChannelStatus(CampaignView campaign) => campaign.Status switch
    {
        CampaignStatus.Draft => "draft",
        CampaignStatus.Scheduled => "scheduled",
        CampaignStatus.Queued or CampaignStatus.Running or CampaignStatus.Paused => "processing",
        CampaignStatus.Completed => CampaignFigures.Of(campaign) is { AwaitingReceipt: 0, Unknown: 0 } ? "completed" : "sent",
        _ => "failed",
    };

    /// <summary>The SMS endpoints speak queued / running / completed / failed / paused.</summary>
    public static string SmsStatus(CampaignStatus status) => status switch
    {
        CampaignStatus.Running => "running",
        CampaignStatus.Paused => "paused",
        CampaignStatus.Completed => "completed",
        // A cancelled campaign did not process every recipient: to a polling client it ended without completing.
        CampaignStatus.Failed or CampaignStatus.Cancelled => "failed",
        _ => "queued",
    };
}
