using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>The documented retry schedule: 1, 2, 4 … 256 minutes, then 6 hours, each ±20 %.</summary>
public sealed class WebhookOptionsTests
{
    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(5, 960)]
    [InlineData(9, 15360)]
    [InlineData(10, 21600)]
    [InlineData(11, 21600)]
    [InlineData(40, 21600)]
    public void The_wait_doubles_up_to_the_cap_and_jitter_spreads_it_by_a_fifth(int failedAttempts, int seconds)
    {
        var options = new WebhookOptions();
        Assert.Equal(TimeSpan.FromSeconds(seconds), options.RetryDelay(failedAttempts, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(seconds * 0.8), options.RetryDelay(failedAttempts, 0));
        Assert.True(options.RetryDelay(failedAttempts, 0.999999) < TimeSpan.FromSeconds(seconds * 1.2));
    }

    [Fact]
    public void Twelve_attempts_span_about_twenty_hours()
    {
        var options = new WebhookOptions();
        var total = Enumerable.Range(1, options.MaxAttempts - 1).Aggregate(TimeSpan.Zero, (sum, n) => sum + options.RetryDelay(n, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(511 + 2 * 360), total);
    }

    [Fact]
    public void A_claim_on_postgresql_outlasts_a_batch_of_timeouts_and_lasts_at_least_two_minutes()
    {
        // 500 deliveries, 32 at once: 16 rounds of up to 10 s, and a minute to record them.
        Assert.Equal(TimeSpan.FromSeconds(220), new WebhookOptions().ClaimLease);
        Assert.Equal(TimeSpan.FromMinutes(2), new WebhookOptions { BatchSize = 10, MaxConcurrency = 4 }.ClaimLease);
    }
}
