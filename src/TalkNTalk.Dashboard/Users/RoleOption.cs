using TalkNTalk.Core.Users;

namespace TalkNTalk.Dashboard.Users;

/// <summary>The roles as the Users page offers them, in order.</summary>
public sealed record RoleOption(MemberRole Value, string Text)
{
    public static readonly IReadOnlyList<RoleOption> All =
    [
        new(MemberRole.Admin, "Admin"),
        new(MemberRole.Member, "Member"),
        new(MemberRole.Viewer, "Viewer"),
    ];
}
