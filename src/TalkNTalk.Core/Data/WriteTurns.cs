namespace TalkNTalk.Core.Data;

/// <summary>
/// SQLite lets one connection write at a time. The background writers (the dispatcher and the webhook worker) take
/// turns here, waiting asynchronously, instead of meeting in SQLite's busy handler: a writer waiting there sleeps on a
/// thread-pool thread, which on a small machine starves the other's continuations, and wakes up late. Requests from the
/// dashboard and the API still meet them in SQLite, with <c>busy_timeout</c> (see <see cref="SqlitePragmas"/>).
/// </summary>
public sealed class WriteTurns
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Waits for the turn; disposing the result hands it on.</summary>
    public async Task<Turn> TakeAsync(CancellationToken ct = default)
    {
        await _turn.WaitAsync(ct);
        return new Turn(_turn);
    }

    public readonly struct Turn(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }
}
