using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Users;

namespace TalkNTalk.Dashboard.Account;

/// <summary>
/// Keeps a live circuit's sign-in honest. Ending its session (signing out elsewhere, "sign out" in the list of
/// sessions, a password change, disabling the user) signs the circuit out at once through <see cref="SessionNotifier"/>;
/// and every minute the user, their session, stamp and role are checked again, which also catches changes made by
/// another server process. The page then falls back to the sign-in screen instead of acting with stale rights.
/// </summary>
public sealed class RevalidatingAuthStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<IdentityOptions> _options;
    private readonly SessionNotifier _sessionEnded;
    private IDisposable? _subscription;

    public RevalidatingAuthStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> options, SessionNotifier sessionEnded)
        : base(loggerFactory)
    {
        _scopes = scopes;
        _options = options;
        _sessionEnded = sessionEnded;
        AuthenticationStateChanged += WatchSession;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null || user.IsDisabled || user.MustChangePassword)
            return false;
        if (state.User.SessionIdOf() is not { } session
            || !await scope.ServiceProvider.GetRequiredService<UserSessions>().IsActiveAsync(session, user.Id, ct: ct))
            return false;
        if (users.SupportsUserSecurityStamp
            && state.User.FindFirstValue(_options.Value.ClaimsIdentity.SecurityStampClaimType) != await users.GetSecurityStampAsync(user))
            return false;
        var membership = await scope.ServiceProvider.GetRequiredService<MemberService>().GetContextAsync(user.Id, ct);
        return membership is not null && state.User.IsInRole(membership.Role.ToString());
    }

    private async void WatchSession(Task<AuthenticationState> next)
    {
        try
        {
            var session = (await next).User.SessionIdOf();
            Interlocked.Exchange(ref _subscription, session is { } id ? _sessionEnded.Subscribe(id, SignOutAsync) : null)?.Dispose();
        }
        catch (Exception)
        {
            // A failed authentication task leaves the circuit signed out anyway; nothing to watch.
        }
    }

    private Task SignOutAsync()
    {
        SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            AuthenticationStateChanged -= WatchSession;
            Interlocked.Exchange(ref _subscription, null)?.Dispose();
        }
        base.Dispose(disposing);
    }
}
