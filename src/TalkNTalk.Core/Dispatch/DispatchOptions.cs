namespace TalkNTalk.Core.Dispatch;

/// <summary>How fast and how wide the dispatcher sends (section <c>Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    /// <summary>Messages claimed and recorded per database transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Submissions in flight at once (hides provider latency).</summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>How long an idle dispatcher sleeps before looking again, unless a send wakes it.</summary>
    public int IdleDelayMs { get; set; } = 500;

    /// <summary>How long a stopping host lets the submissions in flight answer before it gives up on them.</summary>
    public int StopGraceMs { get; set; } = 5_000;
}
