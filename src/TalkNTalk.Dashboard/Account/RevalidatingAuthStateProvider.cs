using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Users;

namespace TalkNTalk.Dashboard.Account;

/// <summary>
/// Re-checks a live circuit's user every minute: a disabled user, a changed password or a changed role ends the
/// circuit's sign-in, so the page falls back to the sign-in screen instead of acting with stale rights.
/// </summary>
public sealed class RevalidatingAuthStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null || user.IsDisabled)
            return false;
        if (users.SupportsUserSecurityStamp
            && state.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType) != await users.GetSecurityStampAsync(user))
            return false;
        var membership = await scope.ServiceProvider.GetRequiredService<MemberService>().GetContextAsync(user.Id, ct);
        return membership is not null && state.User.IsInRole(membership.Role.ToString());
    }
}
