using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Core.Users;

/// <summary>What a user may do in the dashboard. Names are used as ASP.NET Core role names.</summary>
public enum MemberRole
{
    /// <summary>Reads everything, sends nothing.</summary>
    Viewer = 0,
    /// <summary>Manages address books and sends campaigns.</summary>
    Member = 1,
    /// <summary>Also configures sender IDs, users, API keys, wallet and webhooks.</summary>
    Admin = 2,
}

/// <summary>A user's place in an organisation. One membership per user for now.</summary>
public sealed class Membership
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public Organisation? Organisation { get; set; }
    public required string UserId { get; set; }
    public AppUser? User { get; set; }
    public MemberRole Role { get; set; }
    public DateTime CreatedAt { get; set; }
}
