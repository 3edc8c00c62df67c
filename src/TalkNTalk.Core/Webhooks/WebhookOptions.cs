namespace TalkNTalk.Core.Webhooks;

/// <summary>How webhooks are delivered (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>How long a receiver has to answer one attempt.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Attempts per event, the first included, before it is given up (a re-send from the log tries once more).</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>The wait after the first failed attempt; each further failure doubles it, up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public int FirstRetryDelaySeconds { get; set; } = 60;

    public int MaxRetryDelaySeconds { get; set; } = 6 * 60 * 60;

    /// <summary>Each wait is spread randomly by this fraction either way, so receivers coming back are not hit all at once.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>Failed attempts in a row (across events) after which an endpoint is disabled and admins are told.</summary>
    public int DisableAfterConsecutiveFailures { get; set; } = 50;

    /// <summary>How long a rotated-out secret keeps signing beside the new one, so receivers can switch without losing events.</summary>
    public int PreviousSecretHours { get; set; } = 24;

    /// <summary>
    /// Lets endpoints point at loopback, link-local and private-network addresses. Off by default, so that a dashboard
    /// user cannot make the server call into its own network; tests and single-network installs turn it on.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>At most this much of a receiver's answer is read (and the start of it kept in the log).</summary>
    public int MaxResponseBytes { get; set; } = 4096;

    /// <summary>Deliveries taken from the outbox and recorded per transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Requests in flight at once, across endpoints.</summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>The pause after each batch while the dispatcher is sending, so webhooks do not slow a campaign down.</summary>
    public int PauseWhileDispatchingMs { get; set; } = 300;

    /// <summary>
    /// Days a finished delivery (succeeded or given up) stays in the log before the worker deletes it. Pending ones,
    /// including the paused events of a disabled endpoint, are kept however old.
    /// </summary>
    public int KeepDeliveriesDays { get; set; } = 30;

    /// <summary>How long an idle worker waits before it looks at the outbox again.</summary>
    public int IdleDelayMs { get; set; } = 500;

    /// <summary>
    /// On PostgreSQL, how long a worker's claim on its batch lasts (<see cref="WebhookDueBatch"/>): the longest its attempts
    /// can take (rounds of <see cref="MaxConcurrency"/> requests of up to <see cref="TimeoutSeconds"/> each) and a minute
    /// more to record them, at least two minutes. A shorter claim would let another instance send a slow batch again
    /// while it is still going out; rows whose instance died are due again once it ends.
    /// </summary>
    public TimeSpan ClaimLease
    {
        get
        {
            var rounds = (Math.Max(1, BatchSize) + Math.Max(1, MaxConcurrency) - 1) / Math.Max(1, MaxConcurrency);
            return TimeSpan.FromSeconds(Math.Max(120, (long)rounds * Math.Max(1, TimeoutSeconds) + 60));
        }
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, after <paramref name="attempt"/> failures (1-based), with jitter from <paramref name="random"/> in [0, 1).</summary>
    public TimeSpan RetryDelay(int attempt, double random)
    {
        var exponential = FirstRetryDelaySeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(exponential, MaxRetryDelaySeconds);
        return TimeSpan.FromSeconds(capped * (1 + RetryJitter * (2 * random - 1)));
    }
}
