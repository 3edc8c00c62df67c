namespace TalkNTalk.Core.Data;

/// <summary>
/// Whether the database is migrated and usable yet. The dashboard's start-up calls <see cref="Starting"/> before any
/// background service starts, then reports here while it migrates or waits for an unreachable database; the background
/// workers wait for <see cref="WaitAsync"/> before their first query, and <c>/healthz</c> and every request answered
/// meanwhile say what it is waiting for. A host that migrates by itself first (tests, benchmarks) never calls
/// <see cref="Starting"/> and is ready from the outset.
/// </summary>
public sealed class DatabaseReadiness
{
    private TaskCompletionSource? _starting;
    private volatile string _detail = "Ready.";

    public bool IsReady => _starting is null || _starting.Task.IsCompleted;

    /// <summary>What start-up is doing or waiting for, for a person: "Migrating the database.", the last error.</summary>
    public string Detail => _detail;

    public void Starting()
    {
        _starting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _detail = "Starting.";
    }

    /// <param name="lastAttempt">What stopped the previous attempt, if there was one.</param>
    public void Migrating(string? lastAttempt = null) =>
        _detail = lastAttempt is null ? "Migrating the database." : $"Migrating the database. The last attempt: {lastAttempt}";

    public void Unavailable(string why) => _detail = why;

    public void Ready()
    {
        _detail = "Ready.";
        _starting?.TrySetResult();
    }

    /// <summary>Waits until the database is ready (or <paramref name="ct"/> ends).</summary>
    public Task WaitAsync(CancellationToken ct) => _starting is { } starting ? starting.Task.WaitAsync(ct) : Task.CompletedTask;
}
