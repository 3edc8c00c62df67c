using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Dispatch;

/// <summary>
/// The durable door for delivery reports: <see cref="PostAsync"/> completes once the reports are committed to
/// <c>delivery_inbox</c>. Reports posted meanwhile are committed together (one transaction for many callers), taking
/// their turn with the other background writers, so a provider sending thousands a second costs a few commits.
/// </summary>
public sealed class DeliveryReceiptInbox(IDbContextFactory<TalkNTalkDbContext> dbFactory, WriteTurns turns, DispatchSignal signal, TimeProvider clock,
    ILogger<DeliveryReceiptInbox> logger) : IDeliveryReceiptSink, IAsyncDisposable
{
    private const int MaxPerCommit = 5_000;

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _writer;
    private Task _latest = Task.CompletedTask;

    public Task PostAsync(IReadOnlyList<DeliveryReceipt> receipts, CancellationToken ct = default)
    {
        if (receipts.Count == 0)
            return Task.CompletedTask;
        var pending = new Pending(receipts, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
            return Task.FromException(new ObjectDisposedException(nameof(DeliveryReceiptInbox), "The app is stopping: the report was not kept."));
        lock (_gate)
        {
            _writer ??= Task.Run(WriteLoopAsync);
            _latest = pending.Done.Task;
        }
        return pending.Done.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Completes once every report posted before the call is committed (or failed): the dispatcher waits for this
    /// before applying, so a report posted during its cycle is applied in that cycle. Never call it holding a write turn.
    /// </summary>
    public async Task WrittenAsync()
    {
        Task latest;
        lock (_gate)
            latest = _latest;
        try
        {
            await latest;
        }
        catch (Exception)
        {
            // Its poster was told; what matters here is only that it is no longer pending.
        }
    }

    private async Task WriteLoopAsync()
    {
        while (await _pending.Reader.WaitToReadAsync())
        {
            var batch = new List<Pending>();
            var count = 0;
            while (count < MaxPerCommit && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
                count += next.Receipts.Count;
            }
            try
            {
                using (await turns.TakeAsync())
                    await InsertAsync(batch);
                foreach (var pending in batch)
                    pending.Done.TrySetResult();
                signal.Wake();
            }
            catch (Exception e)
            {
                logger.LogError(e, "Could not keep {Count} delivery report(s); their senders are told so", count);
                foreach (var pending in batch)
                    pending.Done.TrySetException(e);
            }
        }
    }

    private async Task InsertAsync(List<Pending> batch)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await using var insert = Sql.Command(db.Database.GetDbConnection(), """
            INSERT INTO delivery_inbox (MessageId, ProviderMessageId, Delivered, ErrorCode, Network, At, ReceivedAt, Attempts)
            VALUES (@message, @provider, @delivered, @code, @network, @at, @received, 0)
            """);
        Sql.Set(insert, "@received", now);
        foreach (var receipt in batch.SelectMany(p => p.Receipts))
        {
            Sql.Set(insert, "@message", receipt.MessageId is { } id ? id : null);
            Sql.Set(insert, "@provider", receipt.ProviderMessageId);
            Sql.Set(insert, "@delivered", receipt.Delivered);
            Sql.Set(insert, "@code", receipt.ErrorCode);
            Sql.Set(insert, "@network", receipt.Network?.ToString());
            Sql.Set(insert, "@at", receipt.At);
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        Task? writer;
        lock (_gate)
            writer = _writer;
        if (writer is not null)
            await writer;
    }

    private sealed record Pending(IReadOnlyList<DeliveryReceipt> Receipts, TaskCompletionSource Done);
}
