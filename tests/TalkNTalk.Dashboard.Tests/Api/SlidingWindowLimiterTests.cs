using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TalkNTalk.Core.RateLimits;
using TalkNTalk.Dashboard.Api.V1;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>The two limiters of the API on their own: the sliding window over its store and the message read gate.</summary>
public sealed class SlidingWindowLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void At_most_the_limit_in_any_window_and_retry_after_is_when_the_oldest_permit_leaves_it()
    {
        using var limiter = new SlidingWindowLimiter(3, TimeSpan.FromMinutes(1), _time, "3 a minute");
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.True(limiter.AttemptAcquire().IsAcquired);

        using var refused = limiter.AttemptAcquire();

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(50), wait);
        Assert.True(refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal("3 a minute", reason);
        Assert.False(limiter.AttemptAcquire(0).IsAcquired);
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        Assert.Equal((0, 4L, 3L), (limiter.GetStatistics()!.CurrentAvailablePermits, limiter.GetStatistics()!.TotalSuccessfulLeases, limiter.GetStatistics()!.TotalFailedLeases));
    }

    [Fact]
    public void The_count_is_the_stores_so_a_limiter_dropped_while_idle_and_made_again_forgets_nothing()
    {
        var store = new InProcessRateLimitStore(_time);
        var limit = new RateLimit("api:send-bulk acme", 2, TimeSpan.FromMinutes(1));
        using (var first = new SlidingWindowLimiter(store, limit, _time, "2 a minute"))
        {
            first.AttemptAcquire().Dispose();
            first.AttemptAcquire().Dispose();
            _time.Advance(TimeSpan.FromSeconds(30));
            // The partitioned limiter drops a limiter idle this long (over 10 s): it holds no count of its own.
            Assert.Equal(TimeSpan.FromSeconds(30), first.IdleDuration);
        }
        using var again = new SlidingWindowLimiter(store, limit, _time, "2 a minute");

        using var refused = again.AttemptAcquire();

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);
    }

    [Fact]
    public async Task A_store_that_must_ask_the_database_decides_only_when_acquired_asynchronously()
    {
        var store = new AskingStore(RateLimitDecision.Unavailable);
        using var limiter = new SlidingWindowLimiter(store, new RateLimit("api:send acme", 300, TimeSpan.FromMinutes(1)), _time, "300 a minute");

        using var undecided = limiter.AttemptAcquire();

        Assert.False(undecided.IsAcquired);
        Assert.Empty(undecided.MetadataNames);
        Assert.Equal(0, store.Asked);
        using var unavailable = await limiter.AcquireAsync();
        Assert.False(unavailable.IsAcquired);
        Assert.True(unavailable.TryGetMetadata(SlidingWindowLimiter.Unavailable, out var isUnavailable) && isUnavailable);
        Assert.Equal(1, store.Asked);
        store.Answer = RateLimitDecision.Granted(299);
        Assert.True((await limiter.AcquireAsync()).IsAcquired);
    }

    /// <summary>A store whose count is elsewhere: it answers only asynchronously, with what the test sets.</summary>
    private sealed class AskingStore(RateLimitDecision answer) : RateLimitStore
    {
        public RateLimitDecision Answer { get; set; } = answer;

        public int Asked { get; private set; }

        public override RateLimitDecision? TryTake(RateLimit limit, int permits = 1) => null;

        public override ValueTask<RateLimitDecision> TakeAsync(RateLimit limit, int permits = 1, CancellationToken ct = default)
        {
            Asked++;
            return ValueTask.FromResult(Answer);
        }
    }

    [Fact]
    public async Task Message_reads_beyond_the_gate_wait_their_turn_and_beyond_the_queue_get_503()
    {
        using var gate = new MessageReadGate(Options.Create(new ApiOptions { MessageReadConcurrency = 1, MessageReadQueue = 1 }));
        var services = new ServiceCollection().AddSingleton(gate).BuildServiceProvider();
        var order = new List<string>();
        var release = new TaskCompletionSource();
        ValueTask<object?> Run(string name, Func<Task>? work = null) => MessageReadGate.FilterAsync(
            new DefaultEndpointFilterInvocationContext(new DefaultHttpContext { RequestServices = services }),
            async _ =>
            {
                order.Add(name);
                if (work is not null)
                    await work();
                return name;
            });

        var first = Run("first", () => release.Task).AsTask();
        var second = Run("second").AsTask();
        var third = await Run("third");

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, Assert.IsAssignableFrom<IStatusCodeHttpResult>(third).StatusCode);
        Assert.False(second.IsCompleted);
        Assert.Equal(["first"], order);
        release.SetResult();
        Assert.Equal(["first", "second"], [(string)(await first)!, (string)(await second)!]);
        Assert.Equal(["first", "second"], order);
    }
}
