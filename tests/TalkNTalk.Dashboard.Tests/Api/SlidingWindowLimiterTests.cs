using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TalkNTalk.Dashboard.Api.V1;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>The two limiters of the API on their own: the sliding window log and the message read gate.</summary>
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
    public void A_limiter_is_idle_only_once_no_permit_is_left_in_the_window()
    {
        using var limiter = new SlidingWindowLimiter(2, TimeSpan.FromMinutes(1), _time, "2 a minute");
        limiter.AttemptAcquire().Dispose();
        _time.Advance(TimeSpan.FromSeconds(59));
        // Dropping it now (the partitioned limiter drops idle ones) would forget the permit and allow one too many.
        Assert.Null(limiter.IdleDuration);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, limiter.IdleDuration);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), limiter.IdleDuration);
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
