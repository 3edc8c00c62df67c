using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace TalkNTalk.Dashboard.Account;

/// <summary>Claim names the dashboard adds to the sign-in cookie.</summary>
public static class TalkNTalkClaims
{
    public const string OrganisationId = "talkntalk:org_id";
    public const string OrganisationName = "talkntalk:org_name";
    public const string TimeZone = "talkntalk:time_zone";
    public const string DisplayName = "talkntalk:display_name";

    /// <summary>The <see cref="Core.Users.UserSession"/> this cookie belongs to; a cookie without a live session is refused.</summary>
    public const string Session = "talkntalk:session";

    /// <summary>Present ("true") while the user signed in with a temporary password and has not chosen their own.</summary>
    public const string MustChangePassword = "talkntalk:must_change_password";

    public static Guid? SessionIdOf(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Session), out var id) ? id : null;

    public static bool MustChangePasswordOf(this ClaimsPrincipal user) => user.HasClaim(MustChangePassword, "true");

    public static Guid OrganisationIdOf(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(OrganisationId), out var id) ? id : throw new InvalidOperationException("The user has no organisation.");

    public static string UserIdOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The user is not signed in.");

    public static string NameOf(this ClaimsPrincipal user) => user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? "";

    public static string EmailOf(this ClaimsPrincipal user) => user.Identity?.Name ?? "";

    public static string TimeZoneOf(this ClaimsPrincipal user) => user.FindFirstValue(TimeZone) ?? Core.Organisations.Organisation.DefaultTimeZone;
}

/// <summary>Puts the organisation and the membership role (as an ASP.NET Core role) into the user's claims.</summary>
public sealed class TalkNTalkClaimsFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options, TalkNTalkDbContext db)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(TalkNTalkClaims.DisplayName, user.DisplayName));
        if (user.MustChangePassword)
            identity.AddClaim(new Claim(TalkNTalkClaims.MustChangePassword, "true"));
        var membership = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user.Id)
            .Select(m => new { m.OrganisationId, m.Organisation!.Name, m.Organisation.TimeZoneId, m.Role })
            .SingleOrDefaultAsync();
        if (membership is not null)
        {
            identity.AddClaim(new Claim(TalkNTalkClaims.OrganisationId, membership.OrganisationId.ToString()));
            identity.AddClaim(new Claim(TalkNTalkClaims.OrganisationName, membership.Name));
            identity.AddClaim(new Claim(TalkNTalkClaims.TimeZone, membership.TimeZoneId));
            identity.AddClaim(new Claim(identity.RoleClaimType, membership.Role.ToString()));
        }
        return identity;
    }
}
