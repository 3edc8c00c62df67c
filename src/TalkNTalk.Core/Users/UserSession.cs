namespace TalkNTalk.Core.Users;

/// <summary>
/// One signed-in browser of a user. The sign-in cookie carries the id; a cookie whose session row is gone is refused,
/// so signing out, ending a session from another browser, disabling the user or changing the password end it for good.
/// </summary>
public sealed class UserSession
{
    public const int MaxUserAgentLength = 256;
    public const int MaxAddressLength = 45;

    public Guid Id { get; set; } = Guid.NewGuid();
    public required string UserId { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>When a request last came with this session, to about a minute (it is written at most once a minute).</summary>
    public DateTime LastSeenAt { get; set; }

    /// <summary>The browser's User-Agent at its last visit, shortened; shown as "Chrome on Windows".</summary>
    public string? UserAgent { get; set; }

    /// <summary>The client address at its last visit (the real client's behind a trusted proxy).</summary>
    public string? IpAddress { get; set; }
}
