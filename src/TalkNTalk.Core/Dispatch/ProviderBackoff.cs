using Microsoft.Extensions.Logging;

namespace TalkNTalk.Core.Dispatch;

/// <summary>
/// After the provider fails to take messages (it throws: no connection, a timeout, a 503), the dispatcher waits before
/// handing over anything else: 1 s, doubling to a minute while failures go on, and says so once per wait instead of
/// once per message. The first success ends the wait.
/// </summary>
public sealed class ProviderBackoff(TimeProvider clock, ILogger logger)
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private int _failures;
    private DateTime _until;

    /// <summary>How long until the provider may be tried again; zero when it may now.</summary>
    public TimeSpan Remaining
    {
        get
        {
            lock (_gate)
            {
                var left = _until - clock.GetUtcNow().UtcDateTime;
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    public int ConsecutiveFailures
    {
        get
        {
            lock (_gate)
                return _failures;
        }
    }

    public void Failed(Exception error)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (_until > now)
                return; // failures of submissions already in flight when the wait began count once
            _failures++;
            var wait = TimeSpan.FromTicks(Math.Min(Longest.Ticks, First.Ticks << Math.Min(_failures - 1, 16)));
            _until = now + wait;
            logger.LogWarning(error, "The SMS provider failed to take messages ({Failures} time(s) in a row): waiting {Wait} s before trying again; the messages stay queued",
                _failures, wait.TotalSeconds);
        }
    }

    public void Succeeded()
    {
        lock (_gate)
        {
            if (_failures == 0)
                return;
            logger.LogInformation("The SMS provider takes messages again after {Failures} failed attempt(s)", _failures);
            _failures = 0;
            _until = default;
        }
    }
}
