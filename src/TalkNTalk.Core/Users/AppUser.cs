using Microsoft.AspNetCore.Identity;

namespace TalkNTalk.Core.Users;

/// <summary>A person who signs in to the dashboard. Their organisation and role live in <see cref="Membership"/>.</summary>
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>Set for users an admin created with a temporary password; cleared by the first password change.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>A disabled user cannot sign in; disabling ends their sessions at once (<see cref="UserSessions"/>).</summary>
    public bool IsDisabled { get; set; }

    public DateTime CreatedAt { get; set; }
}
