using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Dashboard.Health;

/// <summary>
/// <c>/healthz</c> for a load balancer: 200 while this instance can serve (healthy, or degraded when a provider is
/// failing: every instance shares the provider, so taking this one out would not help), 503 while it starts, migrates
/// or cannot reach the database. The body says which check said what, as JSON.
/// </summary>
public static class HealthEndpoint
{
    public const string Path = "/healthz";

    public static IServiceCollection AddTalkNTalkHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StartupCheck>("startup")
            .AddCheck<DatabaseCheck>("database")
            .AddCheck<ProvidersCheck>("providers");
        return services;
    }

    public static void MapTalkNTalkHealth(this WebApplication app) =>
        app.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous();

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }

    private sealed class StartupCheck(DatabaseReadiness readiness) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            Task.FromResult(readiness.IsReady ? HealthCheckResult.Healthy("Started.") : HealthCheckResult.Unhealthy(readiness.Detail));
    }

    private sealed class DatabaseCheck(IDbContextFactory<TalkNTalkDbContext> dbFactory, DatabaseOptions database, DatabaseReadiness readiness) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            if (!readiness.IsReady)
                return HealthCheckResult.Unhealthy(readiness.Detail);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(timeout.Token);
                await db.Database.ExecuteSqlRawAsync("SELECT 1", timeout.Token);
                return HealthCheckResult.Healthy($"{database.Provider} answers.");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"{database.Provider} does not answer: {(e is OperationCanceledException ? "no answer within 3 s." : e.Message)}");
            }
        }
    }

    private sealed class ProvidersCheck(ChannelGateways gateways) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var waiting = gateways.Channels
                .Select(c => (Channel: c, Health: gateways.For(c)!.Health))
                .Where(x => x.Health.State != GatewayState.Sending)
                .Select(x => $"{x.Channel.ToDisplayName()} ({x.Health.Provider}) is {(x.Health.State == GatewayState.Waiting ? "failing" : "being probed")}" +
                             (x.Health.LastError is { } error ? $": {error}" : ""))
                .ToList();
            return Task.FromResult(waiting.Count == 0
                ? HealthCheckResult.Healthy("Every channel's provider is taking messages.")
                : HealthCheckResult.Degraded(string.Join("; ", waiting) + "."));
        }
    }
}

/// <summary>Until the database is ready, every request but <c>/healthz</c> gets 503 with what start-up is waiting for.</summary>
public sealed class StartupGate(RequestDelegate next, DatabaseReadiness readiness)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (readiness.IsReady || http.Request.Path.StartsWithSegments(HealthEndpoint.Path))
            return next(http);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync($"TalkNTalk is starting and cannot serve yet: {readiness.Detail}\n");
    }
}
