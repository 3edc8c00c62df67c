using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Dashboard;

/// <summary>
/// Migrates the database, applies the SMS gateway settings saved in the dashboard and the bootstrap settings before the
/// background services run. Start-up waits for it up to <c>Database:StartupWaitSeconds</c> (30), so normally the
/// first request already sees the current schema; a longer migration, a migration lock another instance holds, or a
/// database that cannot be reached lets the web server start anyway: <c>/healthz</c> and every page then answer 503
/// with what start-up is waiting for (<see cref="StartupGate"/>), and it keeps retrying every 5 seconds, saying why in
/// the log.
/// </summary>
public sealed class StartupTasks(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    DatabaseReadiness readiness,
    DatabaseOptions database,
    OrganisationSetup setup,
    TalkNTalk.Core.Providers.GatewaySettingsService gatewaySettings,
    IOptions<BootstrapOptions> bootstrap,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<StartupTasks> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task _work = Task.CompletedTask;

    public async Task StartingAsync(CancellationToken ct)
    {
        readiness.Starting();
        _work = Task.Run(() => PrepareAsync(_stopping.Token), CancellationToken.None);
        var wait = TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("Database:StartupWaitSeconds", 30)));
        await Task.WhenAny(_work, Task.Delay(wait, ct));
        if (!_work.IsCompleted)
            logger.LogWarning("The web server starts before the database is ready ({Detail}); /healthz answers 503 until it is", readiness.Detail);
        else
            await _work; // a programming error surfaces here, as before
    }

    private async Task PrepareAsync(CancellationToken ct)
    {
        string? lastAttempt = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                readiness.Migrating(lastAttempt);
                if (await DatabaseInitializer.MigrateAsync(dbFactory, ct))
                    logger.LogWarning("Removed the migration lock a process left in the SQLite file when it stopped while migrating");
                // Settings saved in Admin › SMS gateway take the place of configuration's Sms section.
                if (await gatewaySettings.ApplyStoredAsync(ct))
                    logger.LogInformation("SMS gateway: using the settings saved in the dashboard");
                await setup.BootstrapAsync(bootstrap.Value, ct);
                var complete = await setup.IsCompleteAsync(ct);
                readiness.Ready();
                lifetime.ApplicationStarted.Register(() => AnnounceUrl(complete));
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && IsUnreachable(e))
            {
                var why = e is MigrationLockTimeoutException
                    ? $"Waiting to migrate: {e.Message} Retrying every {RetryEvery.TotalSeconds:0} s (attempt {attempt})."
                    : $"Cannot reach the {database.Provider} database: {Reason(e)} Retrying every {RetryEvery.TotalSeconds:0} s (attempt {attempt}).";
                readiness.Unavailable(why);
                lastAttempt = why;
                logger.LogError("{Why}", why);
                await Task.Delay(RetryEvery, ct);
            }
        }
    }

    // The database's own refusals (wrong password, no such database, server down or starting, a lock wait cut short)
    // and the network's; anything else is a fault in the app and stops it.
    private static bool IsUnreachable(Exception e) => e switch
    {
        Npgsql.NpgsqlException or SocketException or TimeoutException => true,
        _ => e.InnerException is { } inner && IsUnreachable(inner),
    };

    private static string Reason(Exception e) => e switch
    {
        Npgsql.PostgresException p => $"{p.MessageText} ({p.SqlState}).",
        { InnerException: { } inner } when e is not Npgsql.NpgsqlException || inner is SocketException or TimeoutException => Reason(inner),
        _ => e.Message.TrimEnd('.') + ".",
    };

    private void AnnounceUrl(bool complete)
    {
        var addresses = services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        var url = addresses?.FirstOrDefault() ?? "http://localhost:5080";
        if (complete)
            logger.LogInformation("TalkNTalk Dashboard is ready at {Url}: sign in with your account.", url);
        else
            logger.LogWarning("TalkNTalk Dashboard first run: open {Url}/setup to create your organisation and its first admin.", url);
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken ct)
    {
        await _stopping.CancelAsync();
        try
        {
            await _work;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
