using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TalkNTalk.Core.Providers;

/// <summary>Settings of the simulated provider (section <c>SimulatedProvider</c>).</summary>
public sealed class SimulatedProviderOptions
{
    public int SubmitLatencyMs { get; set; } = 40;
    public double FailureRate { get; set; } = 0.01;
    public double NonDeliveryRate { get; set; } = 0.03;
    public int ReceiptDelayMs { get; set; } = 1500;

    /// <summary>Segments the simulated account can send before it answers "no credit"; null for unlimited.</summary>
    public long? Credit { get; set; } = 1_000_000;

    /// <summary>Same seed, same outcomes: deterministic tests.</summary>
    public int? Seed { get; set; }
}

/// <summary>
/// The default provider, so the dashboard runs with nothing else installed: realistic latency, some failures and
/// non-deliveries, receipts after a delay, and a finite credit so held/paused can be seen. Idempotent by message id.
/// </summary>
public sealed class SimulatedSmsProvider(IOptions<SimulatedProviderOptions> options, IDeliveryReceiptSink receipts, TimeProvider clock) : ISmsProvider
{
    private readonly ConcurrentDictionary<Guid, SubmitResult> _submitted = new();
    private readonly Random _random = options.Value.Seed is { } seed ? new Random(seed) : Random.Shared;
    private readonly Lock _gate = new();
    private long _credit = options.Value.Credit ?? long.MaxValue;

    /// <summary>How many distinct messages were accepted: a restart test checks nothing was sent twice.</summary>
    public int AcceptedCount => _submitted.Values.Count(r => r.Outcome == SubmitOutcome.Accepted);

    /// <summary>How often each message id was handed over, including repeats the provider recognised.</summary>
    public ConcurrentDictionary<Guid, int> Submissions { get; } = new();

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        Submissions.AddOrUpdate(request.MessageId, 1, (_, n) => n + 1);
        if (_submitted.TryGetValue(request.MessageId, out var earlier))
            return earlier;
        var latency = options.Value.SubmitLatencyMs;
        if (latency > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(latency), clock, ct);
        double roll, deliveryRoll;
        lock (_gate)
        {
            if (_credit < request.Segments)
                return new SubmitResult(SubmitOutcome.NoCredit, ErrorCode: "no_credit", ErrorDetail: "The provider account is out of credit.");
            roll = _random.NextDouble();
            deliveryRoll = _random.NextDouble();
            if (roll >= options.Value.FailureRate)
                _credit -= request.Segments;
        }
        var result = roll < options.Value.FailureRate
            ? new SubmitResult(SubmitOutcome.Failed, ErrorCode: "rejected", ErrorDetail: "The simulated network rejected the message.")
            : new SubmitResult(SubmitOutcome.Accepted, $"sim-{request.MessageId:N}");
        result = _submitted.GetOrAdd(request.MessageId, result);
        if (result.Outcome == SubmitOutcome.Accepted)
            ScheduleReceipt(result.ProviderMessageId!, delivered: deliveryRoll >= options.Value.NonDeliveryRate);
        return result;
    }

    public Task<bool> HasCreditAsync(CancellationToken ct)
    {
        lock (_gate)
            return Task.FromResult(_credit > 0);
    }

    /// <summary>Tops up the simulated account (segments), as a real provider top-up would.</summary>
    public void AddCredit(long segments)
    {
        lock (_gate)
            _credit += segments;
    }

    private void ScheduleReceipt(string providerId, bool delivered)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.ReceiptDelayMs));
        void Send() => receipts.Post(new DeliveryReceipt(providerId, delivered, delivered ? null : "undeliverable", clock.GetUtcNow().UtcDateTime));
        if (delay == TimeSpan.Zero)
        {
            Send();
            return;
        }
        ITimer? timer = null;
        timer = clock.CreateTimer(_ =>
        {
            Send();
            timer?.Dispose();
        }, null, delay, Timeout.InfiniteTimeSpan);
    }
}
