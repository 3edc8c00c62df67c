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
}
