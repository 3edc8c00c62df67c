using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Users;

namespace TalkNTalk.Dashboard.Account;

/// <summary>
/// Identity's sign-in manager with the dashboard's rules: every sign-in starts a server-side session (its id goes into
/// the cookie, see <see cref="SessionValidation"/>) and signing out ends it; disabled users are refused; and a password
/// attempt costs one password-hash check whether or not the e-mail has an account, so timing tells nobody which
/// e-mails exist.
/// </summary>
public sealed class TalkNTalkSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation,
    UserSessions sessions)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private static string? s_unknownUserHash;
    private Guid? _refreshedSession;

    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            SpendOneHashCheck(password);
            return SignInResult.Failed;
        }
        // "Disabled" only to someone who knows the password: otherwise it would tell that the e-mail has an account.
        if (user.IsDisabled)
            return await UserManager.CheckPasswordAsync(user, password) ? SignInResult.NotAllowed : SignInResult.Failed;
        if (UserManager.SupportsUserLockout && await UserManager.IsLockedOutAsync(user))
        {
            SpendOneHashCheck(password);
            return SignInResult.LockedOut;
        }
        return await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }

    /// <summary>A new sign-in records a new session; a refresh of this browser's cookie keeps the session it has.</summary>
    public override async Task SignInWithClaimsAsync(AppUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var http = Context;
        var session = _refreshedSession ?? await sessions.StartAsync(user.Id, http.Request.Headers.UserAgent.ToString(),
            http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        var claims = additionalClaims.Where(c => c.Type != TalkNTalkClaims.Session).Append(new Claim(TalkNTalkClaims.Session, session.ToString()));
        await base.SignInWithClaimsAsync(user, authenticationProperties, claims);
    }

    public override async Task RefreshSignInAsync(AppUser user)
    {
        var current = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        _refreshedSession = current.Principal?.SessionIdOf();
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            _refreshedSession = null;
        }
    }

    /// <summary>Ends this browser's session on the server before removing its cookie, so a copy of the cookie is worthless.</summary>
    public override async Task SignOutAsync()
    {
        var principal = Context.User;
        if (principal.SessionIdOf() is { } session && UserManager.GetUserId(principal) is { } userId)
        {
            try
            {
                await sessions.EndAsync(userId, session, Context.RequestAborted);
            }
            catch (DomainException e) when (e.Code == "not_found")
            {
                // Already ended elsewhere: signing out still removes the cookie.
            }
        }
        await base.SignOutAsync();
    }

    // The work of checking a password against a stored hash, against a hash nobody's password matches.
    private void SpendOneHashCheck(string password)
    {
        var hash = s_unknownUserHash ??= UserManager.PasswordHasher.HashPassword(new AppUser(), Guid.NewGuid().ToString("N"));
        UserManager.PasswordHasher.VerifyHashedPassword(new AppUser(), hash, password);
    }
}
