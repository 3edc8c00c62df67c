namespace TalkNTalk.Core.RateLimits;

/// <summary>One request counted against a rate limit shared by every app instance (<c>rate_limit_hits</c>).</summary>
public sealed class RateLimitHit
{
    public const int MaxKeyLength = 200;

    public long Id { get; init; }

    /// <summary>What is limited: the policy and the organisation (and endpoint, for per-endpoint limits).</summary>
    public required string Key { get; init; }

    public DateTime At { get; init; }
}
