using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Dashboard;

/// <summary>
/// Migrates the database, applies the SMS gateway settings saved in the dashboard and the bootstrap settings before anything else starts (the web server included),
/// so the first request already sees the current schema. Runs the same under <c>dotnet run</c> and the test host.
/// </summary>
public sealed class StartupTasks(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    OrganisationSetup setup,
    TalkNTalk.Core.Providers.GatewaySettingsService gatewaySettings,
    IOptions<BootstrapOptions> bootstrap,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<StartupTasks> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken ct)
    {
        await DatabaseInitializer.MigrateAsync(dbFactory, ct);
        // Settings saved in Admin › SMS gateway take the place of configuration's Sms section.
        if (await gatewaySettings.ApplyStoredAsync(ct))
            logger.LogInformation("SMS gateway: using the settings saved in the dashboard");
        await setup.BootstrapAsync(bootstrap.Value, ct);
        var complete = await setup.IsCompleteAsync(ct);
        lifetime.ApplicationStarted.Register(() => AnnounceUrl(complete));
    }

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
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
