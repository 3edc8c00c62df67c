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

    /// <summary>The documented 401 detail when no key came with the request.</summary>
    public const string NotProvided = "Authentication credentials were not provided.";

    /// <summary>The documented 401 detail for a key that is malformed, unknown, expired or revoked (which one stays in the log).</summary>
    public const string Invalid = "Invalid or revoked API key.";

    public const string Forbidden = "This API key does not have the permission this endpoint needs.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        // Browsers' WebSocket API cannot set headers: SignalR clients send the key as access_token instead.
        if (string.IsNullOrWhiteSpace(header) && Request.Path.StartsWithSegments("/hubs") && Request.Query["access_token"] is { Count: > 0 } token)
            header = "Bearer " + token;
        if (string.IsNullOrWhiteSpace(header))
            return Fail(NotProvided, "no Authorization header");
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Fail(NotProvided, "the Authorization header is not “Bearer ” followed by a key");
        var (caller, problem) = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
            return Fail(Invalid, problem!);
        var identity = new ClaimsIdentity(SchemeName);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, caller.KeyId.ToString()));
        identity.AddClaim(new Claim(TalkNTalkClaims.OrganisationId, caller.OrganisationId.ToString()));
        identity.AddClaim(new Claim(TalkNTalkClaims.TimeZone, caller.TimeZoneId));
        identity.AddClaim(new Claim(TalkNTalkClaims.OrganisationName, caller.OrganisationName));
        if (caller.Scopes.HasFlag(ApiScopes.Read))
            identity.AddClaim(new Claim(ScopeClaim, "read"));
        if (caller.Scopes.HasFlag(ApiScopes.Send))
            identity.AddClaim(new Claim(ScopeClaim, "send"));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    // The client gets the documented detail; the precise reason goes to the log (AuthenticateResult.Fail is logged).
    private AuthenticateResult Fail(string detail, string reason)
    {
        Context.Items[ProblemItem] = detail;
        return AuthenticateResult.Fail(reason);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, StatusCodes.Status401Unauthorized, UnauthorizedCode.Of(Context),
            Context.Items[ProblemItem] as string ?? NotProvided);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, StatusCodes.Status403Forbidden, "permission_denied", Forbidden);
}

/// <summary>
/// Endpoint metadata: the error code of a 401, where the endpoint's reference document names another than
/// <c>authentication_failed</c> (the multi-channel document says <c>unauthorized</c>). Same status, same shape.
/// </summary>
public sealed record UnauthorizedCode(string Code)
{
    public static readonly UnauthorizedCode MultiChannel = new("unauthorized");

    public static string Of(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<UnauthorizedCode>()?.Code ?? "authentication_failed";
}
