using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using TalkNTalk.Core.Users;

namespace TalkNTalk.Dashboard.Account;

/// <summary>
/// Checks every sign-in cookie against its server-side session (<see cref="UserSessions"/>, cached for a few seconds)
/// before Identity's security-stamp check: a cookie kept from before signing out, from a session ended in another
/// browser, or from before a password change or a disabling, is refused and removed.
/// </summary>
public static class SessionValidation
{
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var http = context.HttpContext;
        var userId = principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        var active = principal?.SessionIdOf() is { } session && userId is not null
            && await http.RequestServices.GetRequiredService<UserSessions>().IsActiveAsync(session, userId,
                http.Request.Headers.UserAgent.ToString(), http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        if (!active)
        {
            context.RejectPrincipal();
            await http.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    /// <summary>Identity rebuilds the principal from the database every validation interval: the session claim stays.</summary>
    public static Task KeepSessionAsync(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirst(TalkNTalkClaims.Session) is { } session && context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity)
            identity.AddClaim(new System.Security.Claims.Claim(session.Type, session.Value));
        return Task.CompletedTask;
    }
}
