using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Tests.Dispatch;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>Core's services on a real SQLite file, a loopback receiver, and an organisation with one endpoint pointed at it.</summary>
public sealed class WebhookScenario : IAsyncDisposable
{
    public static readonly Dictionary<string, string?> Settings = new(DispatcherTests.FastProvider)
    {
        ["Webhooks:AllowPrivateTargets"] = "true",
        ["Webhooks:MaxConcurrency"] = "4",
    };

    /// <summary>A provider that accepts every message, for tests that count sms.sent events.</summary>
    public static Dictionary<string, string?> Reliable(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["SimulatedProvider:FailureRate"] = "0" };
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }

    public required TestServices Services { get; init; }
    public required WebhookReceiver Receiver { get; init; }
    public Guid OrganisationId { get; init; }
    public Guid EndpointId { get; init; }
    public required string Secret { get; init; }

    public WebhookService Webhooks => Services.Get<WebhookService>();
    public WebhookWorker Worker => Services.Get<WebhookWorker>();

    /// <summary>A worker as a new process would start it: nothing in memory, everything from the database.</summary>
    public WebhookWorker NewWorker() => new(Services.Get<IDbContextFactory<TalkNTalkDbContext>>(), Services.Get<IHttpClientFactory>(), Services.Get<WebhookSecrets>(),
        Services.Get<IOptions<WebhookOptions>>(), Services.Get<WebhookNotifier>(), Services.Get<DispatchActivity>(), Services.Get<WriteTurns>(), new WebhookEndpointHolds(), Services.Clock,
        Services.Get<DatabaseReadiness>(), NullLogger<WebhookWorker>.Instance);

    /// <summary>The settings these services started with.</summary>
    public required Dictionary<string, string?> Configuration { get; init; }

    /// <summary>
    /// A second app instance on the same database (PostgreSQL), with the same settings and a clock of its own at the
    /// first one's time: its own worker, holds and write turns, as another process would have.
    /// </summary>
    public async Task<TestServices> SecondInstanceAsync()
    {
        var second = await TestServices.StartAsync(Configuration, sharing: Services);
        second.Clock.SetUtcNow(Services.Clock.GetUtcNow());
        return second;
    }

    public static async Task<WebhookScenario> StartAsync(WebhookEvents events = WebhookEvents.All, Dictionary<string, string?>? settings = null)
    {
        var merged = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in settings ?? [])
            merged[key] = value;
        var services = await TestServices.StartAsync(merged);
        var receiver = await WebhookReceiver.StartAsync();
        var organisation = await services.CreateOrganisationAsync(credit: 1000m);
        var (endpoint, secret) = await services.Get<WebhookService>().CreateAsync(organisation, receiver.Url, "Billing system", events, "admin@acme.co.ke");
        return new WebhookScenario { Services = services, Configuration = merged, Receiver = receiver, OrganisationId = organisation, EndpointId = endpoint.Id, Secret = secret };
    }

    /// <summary>Sends a campaign to <paramref name="recipients"/> numbers and dispatches it to the end (sent, then receipts).</summary>
    public async Task<Guid> SendAndDispatchAsync(int recipients)
    {
        var result = await Services.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = OrganisationId,
            Message = "Your statement is ready.",
            Numbers = Enumerable.Range(0, recipients).Select(i => $"0712{i:D6}").ToList(),
        });
        var dispatcher = Services.Get<Dispatcher>();
        for (var cycles = 0; cycles < 1000 && await dispatcher.RunOnceAsync(); cycles++)
        {
        }
        return result.CampaignId!.Value;
    }

    /// <summary>Runs the worker until nothing is due at the current (manual) time.</summary>
    public async Task DeliverDueAsync(WebhookWorker? worker = null)
    {
        for (var cycles = 0; cycles < 1000 && await (worker ?? Worker).RunOnceAsync(); cycles++)
        {
        }
    }

    public async Task<List<WebhookDelivery>> DeliveriesAsync()
    {
        await using var db = Services.NewDb();
        return await db.WebhookDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
    }

    public async Task<WebhookEndpoint> EndpointAsync()
    {
        await using var db = Services.NewDb();
        return await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == EndpointId);
    }

    public long Now => Services.Clock.GetUtcNow().ToUnixTimeSeconds();

    public async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Services.DisposeAsync();
    }
}
