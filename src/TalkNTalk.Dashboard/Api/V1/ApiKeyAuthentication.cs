using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// <c>Authorization: Bearer tk_live_…</c> for the <c>/v1</c> API. Failures answer with the documented JSON bodies:
/// 401 <c>authentication_failed</c>, 403 <c>permission_denied</c>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ScopeClaim = "scope";
    private const string ProblemItem = "talkntalk:api-key-problem";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        // Browsers' WebSocket API cannot set headers: SignalR clients send the key as access_token instead.
        if (string.IsNullOrWhiteSpace(header) && Request.Path.StartsWithSegments("/hubs") && Request.Query["access_token"] is { Count: > 0 } token)
            header = "Bearer " + token;
        if (string.IsNullOrWhiteSpace(header))
            return Fail("Missing API key: send it as “Authorization: Bearer tk_live_…”.");
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Fail("The Authorization header must be “Bearer ” followed by your API key.");
        var (caller, problem) = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
            return Fail(problem!);
        var identity = new ClaimsIdentity(SchemeName);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, caller.KeyId.ToString()));
        identity.AddClaim(new Claim(TalkNTalkClaims.OrganisationId, caller.OrganisationId.ToString()));
        identity.AddClaim(new Claim(TalkNTalkClaims.TimeZone, caller.TimeZoneId));
        if (caller.Scopes.HasFlag(ApiScopes.Read))
            identity.AddClaim(new Claim(ScopeClaim, "read"));
        if (caller.Scopes.HasFlag(ApiScopes.Send))
            identity.AddClaim(new Claim(ScopeClaim, "send"));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string problem)
    {
        Context.Items[ProblemItem] = problem;
        return AuthenticateResult.Fail(problem);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, StatusCodes.Status401Unauthorized, "authentication_failed",
            Context.Items[ProblemItem] as string ?? "Missing or invalid API key.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, StatusCodes.Status403Forbidden, "permission_denied", "This API key does not have the permission this endpoint needs.");
}
