namespace TalkNTalk.Core.Instances;

/// <summary>
/// A running app process on this database (<c>app_instances</c>): each registers at start, says it is alive every few
/// seconds and leaves when it stops. Messages its dispatcher claims carry its id, so when it dies another instance can
/// tell whose claims to take over (<see cref="InstanceRegistry"/>).
/// </summary>
public sealed class AppInstance
{
    public const int MaxNameLength = 200;

    public Guid Id { get; init; }

    /// <summary>Where it runs: "machine:process id", so an instance on the same machine can tell at once that it died.</summary>
    public required string Name { get; init; }

    public DateTime StartedAt { get; init; }

    public DateTime SeenAt { get; set; }
}
