using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Notifications;

/// <summary>
/// Carries <see cref="ChangeBackplane"/> between instances on PostgreSQL's LISTEN/NOTIFY, channel
/// <see cref="Channel"/>. Sending: the changes of about <see cref="CollectFor"/> go out as one <c>pg_notify</c> per
/// payload (<see cref="BackplaneMessage"/>); a failed send is tried again with what came meanwhile. Listening: one
/// connection of its own (not from EF's pool) waits for notifications and applies other instances' changes here only.
/// A dropped connection is logged once, retried with growing pauses, and once back every participant catches up
/// (<see cref="ChangeBackplane.Missed"/>); meanwhile this instance's own changes still refresh its own pages.
/// </summary>
public sealed class PostgresBackplane : BackgroundService
{
    /// <summary>The NOTIFY channel every instance listens to.</summary>
    public const string Channel = "talkntalk_changes";

    /// <summary>How long changes are gathered before they are sent: a campaign's burst of parts costs one NOTIFY.</summary>
    public static readonly TimeSpan CollectFor = TimeSpan.FromMilliseconds(50);

    // With nothing to hear for this long, a round trip proves the connection is still there (a silent network drop
    // would otherwise leave the listener waiting forever).
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];
    private static readonly TimeSpan StopFlushLimit = TimeSpan.FromSeconds(2);

    private readonly ChangeBackplane _backplane;
    private readonly DatabaseReadiness _readiness;
    private readonly ILogger<PostgresBackplane> _logger;
    private readonly NpgsqlDataSource _dataSource;
    private volatile int _listenerProcessId; // 0: not listening

    public PostgresBackplane(ChangeBackplane backplane, DatabaseOptions database, DatabaseReadiness readiness, ILogger<PostgresBackplane> logger)
    {
        _backplane = backplane;
        _readiness = readiness;
        _logger = logger;
        // Its own small pool: the listener holds one connection for good, the sender borrows one per batch. Timings here
        // are the network's, so they run on the wall clock rather than the app's TimeProvider.
        _dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(database.ConnectionStringToOpen)
        {
            ApplicationName = "TalkNTalk backplane",
            MinPoolSize = 0,
            MaxPoolSize = 4,
        }.ConnectionString).Build();
    }

    /// <summary>The server process of the listening connection while it listens (null while disconnected).</summary>
    public int? ListenerProcessId => _listenerProcessId is var id and not 0 ? id : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _readiness.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await Task.WhenAll(Task.Run(() => ListenAsync(stoppingToken), CancellationToken.None), Task.Run(() => SendAsync(stoppingToken), CancellationToken.None));
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        DateTime? lostAt = null;
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                if (lostAt is { } since)
                {
                    _logger.LogInformation("Backplane: listening to PostgreSQL again after {Seconds:0.0} s; this instance's pages and caches catch up now",
                        (DateTime.UtcNow - since).TotalSeconds);
                    _backplane.Missed();
                }
                lostAt = null;
                attempt = 0;
                _listenerProcessId = connection.ProcessID;
                while (true)
                {
                    if (!await connection.WaitAsync(IdleCheck, ct))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _listenerProcessId = 0;
                if (ct.IsCancellationRequested)
                    break;
                if (lostAt is null)
                {
                    lostAt = DateTime.UtcNow;
                    _logger.LogWarning(e, "Backplane: not listening to PostgreSQL ({Reason}); until it is back, this instance's pages refresh only "
                        + "on changes made here. Retrying.", e.Message);
                }
                else
                    _logger.LogDebug(e, "Backplane: still cannot listen to PostgreSQL");
                try
                {
                    await Task.Delay(Backoff[Math.Min(attempt++, Backoff.Length - 1)], ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        _listenerProcessId = 0;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel != Channel)
            return;
        if (!BackplaneMessage.TryRead(e.Payload, out var from, out var changes))
        {
            _logger.LogWarning("Backplane: ignored a notification on {Channel} that is not a backplane message", Channel);
            return;
        }
        if (from == _backplane.InstanceId)
            return;
        foreach (var change in changes)
            _backplane.Receive(change);
    }

    private async Task SendAsync(CancellationToken ct)
    {
        DateTime? failingSince = null;
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyCollection<BackplaneChange> changes;
            try
            {
                await _backplane.WaitForChangesAsync(ct);
                await Task.Delay(CollectFor, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            changes = _backplane.TakePending();
            try
            {
                await NotifyAsync(changes, ct);
                if (failingSince is { } since)
                    _logger.LogInformation("Backplane: sending to PostgreSQL again after {Seconds:0.0} s", (DateTime.UtcNow - since).TotalSeconds);
                failingSince = null;
            }
            catch (Exception e)
            {
                _backplane.PutBack(changes);
                if (ct.IsCancellationRequested)
                    break;
                if (failingSince is null)
                {
                    failingSince = DateTime.UtcNow;
                    _logger.LogWarning(e, "Backplane: could not tell the other instances of {Count} changes ({Reason}); they wait and are tried again",
                        changes.Count, e.Message);
                }
                else
                    _logger.LogDebug(e, "Backplane: still cannot send to PostgreSQL");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        // Stopping: what changed here last (a campaign's final counts) still reaches the others, if it can in a moment.
        using var limit = new CancellationTokenSource(StopFlushLimit);
        try
        {
            await NotifyAsync(_backplane.TakePending(), limit.Token);
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Backplane: the last changes were not sent while stopping");
        }
    }

    private async Task NotifyAsync(IReadOnlyCollection<BackplaneChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0)
            return;
        var (payloads, tooLong) = BackplaneMessage.Write(_backplane.InstanceId, changes);
        foreach (var change in tooLong)
            _logger.LogWarning("Backplane: a change of {Topic} is too long to send ({Length} characters of key); other instances will not hear of it",
                change.Topic, change.Key.Length);
        if (payloads.Count == 0)
            return;
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var payload in payloads)
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{Channel}', $1)") { Parameters = { new() { Value = payload } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    public override void Dispose()
    {
        base.Dispose();
        _dataSource.Dispose();
    }
}
