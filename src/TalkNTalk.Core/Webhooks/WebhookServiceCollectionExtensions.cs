using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TalkNTalk.Core.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>The webhook services, the worker (a hosted service) and its HTTP client, which connects only through <see cref="WebhookTargets"/>.</summary>
    public static IServiceCollection AddTalkNTalkWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection("Webhooks"));
        services.AddSingleton<WebhookTargets>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookNotifier>();
        services.AddSingleton<WebhookEndpointHolds>();
        services.AddSingleton<WebhookService>();
        services.AddHttpClient(WebhookWorker.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan) // the worker times each attempt itself
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectCallback = sp.GetRequiredService<WebhookTargets>().ConnectAsync,
                // A proxy would connect for us and bypass the address check; a redirect could lead anywhere.
                UseProxy = false,
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxResponseHeadersLength = 16,
                MaxResponseDrainSize = 64 * 1024,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 64,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // One log line per event would drown everything else; outcomes are in the delivery log.
            .RemoveAllLoggers();
        services.AddSingleton<WebhookWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookWorker>());
        return services;
    }
}
