using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Providers.AfricasTalking;
using TalkNTalk.Core.Providers.Kannel;

namespace TalkNTalk.Core.Providers;

/// <summary>
/// The installation's SMS gateway: the one active provider (<see cref="SmsOptions.Provider"/>) in its
/// <see cref="GatewayLane"/>. The dispatcher takes <see cref="Current"/> for each part it sends, so switching provider
/// (from configuration at start, or from the dashboard's saved settings) takes effect at the next part, with no restart.
/// Health changes are published on <see cref="GatewayNotifier"/>.
/// </summary>
public sealed class SmsGateway
{
    private readonly IServiceProvider? _services;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly GatewayNotifier _notifier;
    private GatewayLane _current;

    public SmsGateway(IServiceProvider services, IOptions<SmsOptions> options, TimeProvider clock, GatewayNotifier notifier, ILogger<SmsGateway> logger)
    {
        _services = services;
        _clock = clock;
        _logger = logger;
        _notifier = notifier;
        _current = Build(options.Value);
    }

    private SmsGateway(IMessageProvider provider, int messagesPerSecond, TimeProvider clock, CircuitOptions? circuit)
    {
        _clock = clock;
        _logger = NullLogger.Instance;
        _notifier = new GatewayNotifier(clock, NullLogger<GatewayNotifier>.Instance);
        _current = new GatewayLane(nameof(SmsProviderKind.Simulated), provider, messagesPerSecond, circuit ?? new CircuitOptions(), clock, _logger);
    }

    /// <summary>A gateway with one fixed provider: for tests and benchmarks that hand the dispatcher a provider of their own.</summary>
    public static SmsGateway Fixed(IMessageProvider provider, int messagesPerSecond, TimeProvider clock, CircuitOptions? circuit = null) =>
        new(provider, messagesPerSecond, clock, circuit);

    /// <summary>The active provider with its circuit, rate limiter and health.</summary>
    public GatewayLane Current => Volatile.Read(ref _current);

    public GatewayHealth Health => Current.Health;

    /// <summary>Makes <paramref name="settings"/> the active ones: a new lane (a closed circuit, a fresh rate limiter).</summary>
    public void Apply(SmsOptions settings)
    {
        var previous = Interlocked.Exchange(ref _current, Build(settings));
        _logger.LogInformation("SMS gateway: sending through {Provider} from now on", settings.Provider);
        _notifier.Publish(GatewayNotifier.Installation);
        // A part in flight may still be using the old lane's rate limiter for a moment.
        _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => previous.Dispose(), TaskScheduler.Default);
    }

    private GatewayLane Build(SmsOptions settings)
    {
        var services = _services ?? throw new InvalidOperationException("A fixed gateway cannot change provider.");
        var (provider, perSecond) = settings.Provider switch
        {
            SmsProviderKind.Kannel => (ActivatorUtilities.CreateInstance<KannelSmsProvider>(services, settings.Kannel), settings.Kannel.MessagesPerSecond),
            SmsProviderKind.AfricasTalking => (ActivatorUtilities.CreateInstance<AfricasTalkingSmsProvider>(services, settings.AfricasTalking),
                settings.AfricasTalking.MessagesPerSecond),
            _ => ((IMessageProvider)services.GetRequiredService<SimulatedSmsProvider>(), services.GetRequiredService<IOptions<SimulatedProviderOptions>>().Value.MessagesPerSecond),
        };
        return new GatewayLane(settings.Provider.ToString(), provider, perSecond, settings.Circuit, _clock, _logger, () => _notifier.Publish(GatewayNotifier.Installation));
    }
}

/// <summary>Tells the gateway page and campaign pages that the gateway's health or provider changed (one key: the installation).</summary>
public sealed class GatewayNotifier(TimeProvider time, ILogger<GatewayNotifier> logger) : ChangeNotifier<int>(time, logger)
{
    public const int Installation = 0;
}
