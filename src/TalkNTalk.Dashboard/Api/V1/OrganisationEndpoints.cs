using System.Security.Claims;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Pricing;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// What TalkNTalk's public documentation adds about the caller's own organisation: <c>GET /v1/</c> (is this key
/// good, and whose is it), <c>GET /v1/balance/</c> and <c>GET /v1/bulk-sms/sender-ids/</c>.
/// </summary>
public static class OrganisationEndpoints
{
    public static RouteGroupBuilder MapOrganisationEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/", Verify).RequireAuthorization(ApiEndpoints.AnyKeyPolicy)
            .WithSummary("Verify a key").WithDescription("Answers the organisation the key belongs to; 401 for a missing, bad or revoked key.");
        v1.MapGet("/balance/", BalanceAsync).RequireAuthorization(ApiEndpoints.AnyKeyPolicy)
            .WithSummary("Wallet balance").WithDescription("The credit available now (reserved credit excluded), in KES with two decimals.");
        v1.MapGet("/bulk-sms/sender-ids/", SenderIdsAsync).RequireAuthorization(ApiEndpoints.AnyKeyPolicy)
            .WithSummary("Sender IDs").WithDescription("The organisation's SMS sender IDs: active ones can send; the default is used when a send names none.");
        return v1;
    }

    private static IResult Verify(HttpContext http) => Results.Json(new
    {
        api = "TalkNTalk",
        version = "v1",
        organisation = new { id = http.User.OrganisationIdOf(), name = NameOf(http.User), slug = Organisation.SlugOf(NameOf(http.User)) },
    }, ApiError.Json);

    private static async Task<IResult> BalanceAsync(HttpContext http, WalletService wallets, TimeProvider clock, CancellationToken ct)
    {
        var organisation = http.User.OrganisationIdOf();
        var balance = await wallets.GetBalanceAsync(organisation, ct);
        return Results.Json(new
        {
            organisation = organisation,
            balance = Money.Amount(balance.Available),
            currency = "KES",
            retrieved_at = ApiEndpoints.Timestamp(clock.GetUtcNow().UtcDateTime, http.User.TimeZoneOf()),
        }, ApiError.Json);
    }

    private static async Task<IResult> SenderIdsAsync(HttpContext http, SenderIdService senders, TalkNTalk.Core.Providers.SmsGateway gateway, CancellationToken ct)
    {
        var list = await senders.ListAsync(http.User.OrganisationIdOf(), ct);
        // The installation's active SMS provider: "simulated", "kannel" or "africastalking".
        var provider = gateway.Current.ProviderName.ToLowerInvariant();
        return Results.Json(new
        {
            count = list.Count,
            results = list.Select(s => new
            {
                id = s.Id,
                sender_id = s.Name,
                type = s.Category == SenderIdCategory.Promotional ? "promotional" : "transactional",
                // Registered with every operator the organisation sends to: one sender ID serves all networks.
                network = "all",
                status = s.Status == SenderIdStatus.Approved ? "active" : "inactive",
                is_default = s.IsDefault,
                provider,
            }),
        }, ApiError.Json);
    }

    private static string NameOf(ClaimsPrincipal user) => user.FindFirstValue(TalkNTalkClaims.OrganisationName) ?? "";
}
