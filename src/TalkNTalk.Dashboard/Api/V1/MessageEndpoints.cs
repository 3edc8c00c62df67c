using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary><c>GET /v1/bulk-sms/messages/</c> (bulk-sms-fetch-messages.txt) and the per-campaign messages list.</summary>
public static class MessageEndpoints
{
    public static RouteGroupBuilder MapMessageEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/bulk-sms/messages/", (HttpContext http, MessageQueries messages, CancellationToken ct) => ListAsync(http, messages, null, ct))
            .RequireAuthorization(ApiEndpoints.ReadPolicy).AddEndpointFilter(MessageReadGate.FilterAsync)
            .WithSummary("Fetch messages").WithDescription("SMS messages unless channel names another (whatsapp, telegram, email, slack). Filters: status, mobile (partial; address on the other channels), sender_id, source; page and page_size (max 500).");
        v1.MapGet("/sms/campaigns/{campaignId}/messages/", (string campaignId, HttpContext http, MessageQueries messages, CancellationToken ct) =>
                CampaignIds.TryParse(campaignId, out var id)
                    ? ListAsync(http, messages, id, ct)
                    : Task.FromResult(ApiError.Result(400, "invalid_request", "The campaign id must be the UUID returned when you sent the campaign.")))
            .RequireAuthorization(ApiEndpoints.ReadPolicy).AddEndpointFilter(MessageReadGate.FilterAsync)
            .WithSummary("Campaign messages").WithDescription("Per-recipient status of one campaign, paged like fetch messages.");
        return v1;
    }

    private static async Task<IResult> ListAsync(HttpContext http, MessageQueries messages, Guid? campaignId, CancellationToken ct)
    {
        var (page, error) = ApiPage.From(http.Request);
        if (page is null)
            return error!;
        var query = http.Request.Query;
        MessageStatus? status = null;
        if (query.TryGetValue("status", out var statusText) && !string.IsNullOrEmpty(statusText))
        {
            if (!EnumNames.TryParse<MessageStatus>(statusText, out var parsed))
                return ApiError.Result(400, "validation_error",
                    $"Unknown status '{statusText}': use one of queued, sent, delivered, failed, undelivered, cancelled, held, blocked.",
                    new Dictionary<string, string> { ["status"] = "Unknown status." });
            status = parsed;
        }
        MessageSource? source = null;
        if (query.TryGetValue("source", out var sourceText) && !string.IsNullOrEmpty(sourceText))
        {
            if (!EnumNames.TryParse<MessageSource>(sourceText, out var parsed))
                return ApiError.Result(400, "validation_error", $"Unknown source '{sourceText}': use api or web.", new Dictionary<string, string> { ["source"] = "Use api or web." });
            source = parsed;
        }
        // Fetch messages is the SMS endpoint: its clients read SMS unless they ask for another channel. A campaign's
        // messages are all of its own channel.
        Channel? channel = campaignId is null ? Channel.Sms : null;
        if (query.TryGetValue("channel", out var channelText) && !string.IsNullOrEmpty(channelText))
        {
            if (!ChannelNames.TryParse(channelText, out var parsed))
                return ApiError.Result(400, "validation_error", $"Unknown channel '{channelText}': use one of sms, whatsapp, telegram, email, slack.",
                    new Dictionary<string, string> { ["channel"] = "Unknown channel." });
            channel = parsed;
        }
        var address = query.TryGetValue("address", out var addressText) && !string.IsNullOrEmpty(addressText) ? addressText.ToString() : query["mobile"].ToString();
        try
        {
            var filter = new MessageFilter(status, address, query["sender_id"].ToString(), source, campaignId, Channel: channel);
            var (items, total) = await messages.SearchAsync(http.User.OrganisationIdOf(), filter, page.Skip, page.PageSize, ct);
            var zone = http.User.TimeZoneOf();
            var results = items.Select(m => MessageJson.From(m, zone)).ToList();
            return Results.Json(page.Envelope(http.Request, total, results), ApiError.Json);
        }
        catch (DomainException e)
        {
            return ApiError.From(e);
        }
    }
}
