using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TalkNTalk.Core.Notifications;

namespace TalkNTalk.Core.Tests.Notifications;

public sealed class ChangeNotifierTests
{
    [Fact]
    public async Task Publishes_during_a_slow_callback_coalesce_into_one_more_run()
    {
        var notifier = new ChangeNotifier<int>();
        var gate = new TaskCompletionSource();
        var runs = 0;
        var secondRun = new TaskCompletionSource();
        using var subscription = notifier.Subscribe(1, async () =>
        {
            if (Interlocked.Increment(ref runs) == 1)
                await gate.Task;
            else
                secondRun.TrySetResult();
        });

        notifier.Publish(1);
        for (var i = 0; i < 100; i++)
            notifier.Publish(1); // returns at once although the subscriber is blocked
        gate.SetResult();
        await secondRun.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, Volatile.Read(ref runs));
    }

    [Fact]
    public void Disposing_unsubscribes_and_other_keys_are_not_called()
    {
        var notifier = new ChangeNotifier<int>();
        var called = false;
        var subscription = notifier.Subscribe(1, () =>
        {
            called = true;
            return Task.CompletedTask;
        });
        Assert.Equal(1, notifier.SubscriberCount(1));

        subscription.Dispose();
        notifier.Publish(1);
        notifier.Publish(2);

        Assert.Equal(0, notifier.SubscriberCount(1));
        Assert.False(called);
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_others()
    {
        var notifier = new ChangeNotifier<int>();
        var reached = new TaskCompletionSource();
        using var failing = notifier.Subscribe(1, () => throw new InvalidOperationException("circuit gone"));
        using var healthy = notifier.Subscribe(1, () =>
        {
            reached.TrySetResult();
            return Task.CompletedTask;
        });

        notifier.Publish(1);

        await reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_minimum_interval_spaces_runs_and_keeps_the_last_change()
    {
        var time = new FakeTimeProvider();
        var notifier = new ChangeNotifier<int>(time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var runs = System.Threading.Channels.Channel.CreateUnbounded<int>();
        var count = 0;
        using var subscription = notifier.Subscribe(1, () => runs.Writer.WriteAsync(Interlocked.Increment(ref count)).AsTask(), TimeSpan.FromSeconds(1));

        notifier.Publish(1);
        Assert.Equal(1, await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        // Three changes inside the interval: nothing runs until it has passed, then one run covers all three.
        notifier.Publish(1);
        notifier.Publish(1);
        notifier.Publish(1);
        await Task.Delay(100);
        Assert.False(runs.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.Delay(100);
        Assert.False(runs.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_failing_subscriber_is_logged()
    {
        var logger = new RecordingLogger();
        var notifier = new ChangeNotifier<int>(TimeProvider.System, logger);
        using var failing = notifier.Subscribe(7, () => throw new InvalidOperationException("circuit gone"));

        notifier.Publish(7);

        var entry = await logger.Entries.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("circuit gone", entry.Exception?.Message);
    }

    private sealed class RecordingLogger : ILogger
    {
        public System.Threading.Channels.Channel<(LogLevel Level, Exception? Exception)> Entries { get; } = System.Threading.Channels.Channel.CreateUnbounded<(LogLevel, Exception?)>();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Writer.TryWrite((logLevel, exception));
    }
}
