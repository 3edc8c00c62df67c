using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using TalkNTalk.Core.Channels;

namespace TalkNTalk.Core.Providers;

/// <summary>How the active provider is doing, as the gateway page and the campaign page show it.</summary>
public enum GatewayState
{
    /// <summary>Taking messages.</summary>
    Sending,
    /// <summary>The circuit is open after repeated failures, or the provider asked us to slow down: nothing is handed over until <see cref="GatewayHealth.RetryAt"/>.</summary>
    Waiting,
    /// <summary>The wait is over: one message goes as a probe; its success closes the circuit.</summary>
    Probing,
}

/// <summary>A snapshot of the active provider's health.</summary>
/// <param name="DownSince">When the circuit first opened in this outage; null while sending.</param>
/// <param name="SendingPerSecond">Messages handed over per second, averaged over the last ten seconds.</param>
/// <param name="Provider">The provider's name as configured: <c>Simulated</c>, <c>Kannel</c>, <c>AfricasTalking</c>, <c>Smtp</c>, …</param>
public sealed record GatewayHealth(
    string Provider,
    GatewayState State,
    DateTime? DownSince,
    DateTime? RetryAt,
    DateTime? LastSuccessAt,
    DateTime? LastErrorAt,
    string? LastError,
    double SendingPerSecond,
    int MessagesPerSecond);

/// <summary>
/// One provider with what guards it: a circuit breaker (Polly) that opens after repeated failures and half-opens to
/// probe, waits growing from <see cref="CircuitOptions.FirstBreakSeconds"/> to <see cref="CircuitOptions.LongestBreakSeconds"/>;
/// a pause when the provider answers 429 with <c>Retry-After</c>; a token bucket (<c>System.Threading.RateLimiting</c>)
/// for its throughput; and the health figures the gateway page shows. A failure is an exception from the provider
/// (unreachable, 5xx, refused credentials, a lost answer); a message the provider refuses is not a failure of the provider.
/// </summary>
public sealed class GatewayLane : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Action _changed;
    private readonly ResiliencePipeline _circuit;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly TokenBucketRateLimiter? _limiter;
    private readonly Lock _gate = new();
    private readonly long[] _perSecond = new long[10];
    private long _currentSecond;
    private DateTime? _downSince, _openUntil, _pausedUntil, _lastSuccess, _lastErrorAt;
    private string? _lastError;

    public GatewayLane(string providerName, IMessageProvider provider, int messagesPerSecond, CircuitOptions circuit, TimeProvider clock, ILogger logger,
        Action? changed = null, Channel channel = Channel.Sms)
    {
        ProviderName = providerName;
        Channel = channel;
        Provider = provider;
        MessagesPerSecond = Math.Max(0, messagesPerSecond);
        _clock = clock;
        _logger = logger;
        _changed = changed ?? (() => { });
        _limiter = MessagesPerSecond > 0 ? NewLimiter(MessagesPerSecond) : null;
        var first = TimeSpan.FromSeconds(Math.Max(0.5, circuit.FirstBreakSeconds));
        var longest = TimeSpan.FromSeconds(Math.Max(circuit.FirstBreakSeconds, circuit.LongestBreakSeconds));
        _circuit = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = Math.Clamp(circuit.FailureRatio, 0.01, 1),
                MinimumThroughput = Math.Max(2, circuit.MinimumAttempts),
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(0.5, circuit.SamplingSeconds)),
                BreakDurationGenerator = args => ValueTask.FromResult(TimeSpan.FromTicks(Math.Min(longest.Ticks, first.Ticks << Math.Min(args.HalfOpenAttempts, 16)))),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException and not ProviderThrottledException),
                StateProvider = _state,
                OnOpened = args =>
                {
                    Opened(args.BreakDuration, args.Outcome.Exception);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    _changed();
                    return default;
                },
                OnClosed = _ =>
                {
                    Closed();
                    return default;
                },
            })
            .Build();
    }

    /// <summary>The provider's name as configured (<c>Simulated</c>, <c>Kannel</c>, <c>Smtp</c>, …).</summary>
    public string ProviderName { get; }

    /// <summary>The channel whose messages go through this lane.</summary>
    public Channel Channel { get; }

    public IMessageProvider Provider { get; }

    /// <summary>The provider's throughput limit; 0 for none.</summary>
    public int MessagesPerSecond { get; }

    /// <summary>How long until anything may be handed over; zero when it may now.</summary>
    public TimeSpan Remaining
    {
        get
        {
            lock (_gate)
            {
                var now = _clock.GetUtcNow().UtcDateTime;
                var until = Max(_openUntil, _pausedUntil);
                return until is { } u && u > now ? u - now : TimeSpan.Zero;
            }
        }
    }

    /// <summary>The circuit is not closed: the next hand-over is a probe, so the dispatcher sends one message, not a part.</summary>
    public bool Probing => _state.CircuitState != CircuitState.Closed;

    /// <summary>Waits for the rate limiter's permission to hand over one message.</summary>
    public async ValueTask AcquireAsync(CancellationToken ct)
    {
        if (_limiter is null)
            return;
        using var lease = await _limiter.AcquireAsync(1, ct);
    }

    /// <summary>
    /// Hands one message to the provider through the circuit. Throws <see cref="ProviderUnavailableException"/> when
    /// it certainly did not reach the provider (the circuit is open, the provider refused the hand-over); any other
    /// exception means the provider may have taken it.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        try
        {
            var result = await _circuit.ExecuteAsync(async token => await Provider.SubmitAsync(request, token), ct);
            Succeeded();
            return result;
        }
        catch (BrokenCircuitException e)
        {
            throw new ProviderUnavailableException($"The {Channel.ToDisplayName()} provider's circuit is open: nothing is handed over until it is tried again.", e);
        }
        catch (ProviderThrottledException e)
        {
            Throttled(e);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(e);
            throw;
        }
    }

    public GatewayHealth Health
    {
        get
        {
            lock (_gate)
            {
                var now = _clock.GetUtcNow().UtcDateTime;
                var retryAt = Max(_openUntil, _pausedUntil) is { } u && u > now ? u : (DateTime?)null;
                var state = retryAt is not null ? GatewayState.Waiting : Probing ? GatewayState.Probing : GatewayState.Sending;
                return new GatewayHealth(ProviderName, state, _downSince, retryAt, _lastSuccess, _lastErrorAt, _lastError, Rate(now), MessagesPerSecond);
            }
        }
    }

    public void Dispose() => _limiter?.Dispose();

    private void Succeeded()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            _lastSuccess = now;
            Count(now);
        }
    }

    private void Failed(Exception error)
    {
        lock (_gate)
        {
            _lastErrorAt = _clock.GetUtcNow().UtcDateTime;
            _lastError = error.Message;
        }
    }

    private void Throttled(ProviderThrottledException e)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            var until = now + e.RetryAfter;
            if (_pausedUntil is { } current && current >= until)
                return;
            _pausedUntil = until;
            _lastErrorAt = now;
            _lastError = e.Message;
        }
        _logger.LogWarning("The {Channel} provider asked us to slow down: nothing is handed over for {Seconds} s", Channel.ToDisplayName(), e.RetryAfter.TotalSeconds);
        _changed();
    }

    private void Opened(TimeSpan wait, Exception? error)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            _downSince ??= now;
            _openUntil = now + wait;
            if (error is not null)
            {
                _lastErrorAt = now;
                _lastError = error.Message;
            }
        }
        _logger.LogWarning(error, "The {Channel} provider keeps failing: nothing is handed over for {Seconds} s, then one message probes it; the messages stay queued and nothing is charged",
            Channel.ToDisplayName(), wait.TotalSeconds);
        _changed();
    }

    private void Closed()
    {
        DateTime? since;
        lock (_gate)
        {
            since = _downSince;
            _downSince = null;
            _openUntil = null;
        }
        if (since is not null)
            _logger.LogInformation("The {Channel} provider takes messages again (it was failing since {Since:u})", Channel.ToDisplayName(), since);
        _changed();
    }

    // One-second buckets of the last ten seconds.
    private void Count(DateTime now)
    {
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        Advance(second);
        _perSecond[second % _perSecond.Length]++;
    }

    private double Rate(DateTime now)
    {
        Advance(now.Ticks / TimeSpan.TicksPerSecond);
        return _perSecond.Sum() / (double)_perSecond.Length;
    }

    private void Advance(long second)
    {
        if (second <= _currentSecond)
            return;
        for (var s = Math.Max(_currentSecond + 1, second - _perSecond.Length + 1); s <= second; s++)
            _perSecond[s % _perSecond.Length] = 0;
        _currentSecond = second;
    }

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;

    // A second's worth may go at once; after that the tokens come back evenly, a twentieth of a second's worth at a time.
    private static TokenBucketRateLimiter NewLimiter(int perSecond)
    {
        var tokens = Math.Max(1, perSecond / 20);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)tokens / perSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
