using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Channels;

namespace TalkNTalk.Core.Providers;

/// <summary>Settings of the simulated provider (section <c>SimulatedProvider</c>).</summary>
public sealed class SimulatedProviderOptions
{
    public int SubmitLatencyMs { get; set; } = 40;

    /// <summary>Submissions per second the simulated provider takes (its rate limit); 0 for none.</summary>
    public int MessagesPerSecond { get; set; } = 100;
    public double FailureRate { get; set; } = 0.01;
    public double NonDeliveryRate { get; set; } = 0.03;
    public int ReceiptDelayMs { get; set; } = 1500;

    /// <summary>Segments the simulated account can send before it answers "no credit"; null for unlimited.</summary>
    public long? Credit { get; set; } = 1_000_000;

    /// <summary>Same seed, same outcomes: deterministic tests.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Whether a repeated message id is recognised and not sent again (true, like an aggregator with idempotency keys),
    /// or sent again (false, like Kannel), which makes the dispatcher keep the at-most-once path.
    /// </summary>
    public bool Deduplicates { get; set; } = true;

    /// <summary>
    /// A file the simulator appends each message id it receives to, one per line, written through at once, so a test
    /// can count what the "network" received across processes killed at any point. Read again at start.
    /// </summary>
    public string? SubmissionLog { get; set; }
}

/// <summary>
/// The default provider, so the dashboard runs with nothing else installed: realistic latency, some failures and
/// non-deliveries, delivery reports after a delay, and a finite credit so held/paused can be seen. Idempotent by
/// message id unless told otherwise. Like a real network it outlives our process: reports it still owes when the
/// process stops are sent again at the next start (<see cref="ResendOwedReportsAsync"/>).
/// </summary>
public sealed class SimulatedSmsProvider(IOptions<SimulatedProviderOptions> options, IDeliveryReceiptSink receipts, TimeProvider clock, Channel channel = Channel.Sms)
    : IMessageProvider, IDisposable
{
    /// <summary>
    /// The simulator of another channel, with the same settings but its own credit, counts and no submission log. On a
    /// channel where acceptance is delivery (Telegram, Slack, e-mail) it reports only the messages that did not arrive
    /// (an e-mail's bounce).
    /// </summary>
    public static SimulatedSmsProvider ForChannel(Channel channel, IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<SimulatedProviderOptions>>().Value;
        var own = new SimulatedProviderOptions
        {
            SubmitLatencyMs = settings.SubmitLatencyMs,
            MessagesPerSecond = settings.MessagesPerSecond,
            FailureRate = settings.FailureRate,
            NonDeliveryRate = settings.NonDeliveryRate,
            ReceiptDelayMs = settings.ReceiptDelayMs,
            Credit = settings.Credit,
            Seed = settings.Seed,
            Deduplicates = true,
        };
        return new SimulatedSmsProvider(Options.Create(own), services.GetRequiredService<IDeliveryReceiptSink>(),
            services.GetRequiredService<TimeProvider>(), channel);
    }

    /// <summary>The channel it simulates.</summary>
    public Channel Channel => channel;

    private readonly SubmissionLog? _log = options.Value.SubmissionLog is { } path ? new SubmissionLog(path) : null;

    public bool DeduplicatesByMessageId => options.Value.Deduplicates;

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
        if (options.Value.Deduplicates && _submitted.TryGetValue(request.MessageId, out var earlier))
            return earlier;
        if (options.Value.Deduplicates && _log?.Accepted(request.MessageId) is { } accepted)
            return accepted ? new SubmitResult(SubmitOutcome.Accepted, ProviderId(request.MessageId)) : Rejected;
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
        var result = roll < options.Value.FailureRate ? Rejected : new SubmitResult(SubmitOutcome.Accepted, ProviderId(request.MessageId));
        result = options.Value.Deduplicates ? _submitted.GetOrAdd(request.MessageId, result) : _submitted[request.MessageId] = result;
        _log?.Append(request.MessageId, result.Outcome == SubmitOutcome.Accepted);
        var delivered = deliveryRoll >= options.Value.NonDeliveryRate;
        if (result.Outcome == SubmitOutcome.Accepted && (!ChannelRules.DeliveredOnAcceptance(channel) || (channel == Channel.Email && !delivered)))
            Report(request.MessageId, delivered);
        return result;
    }

    private static readonly SubmitResult Rejected = new(SubmitOutcome.Failed, ErrorCode: "rejected", ErrorDetail: "The simulated network rejected the message.");

    private static string ProviderId(Guid messageId) => $"sim-{messageId:N}";

    /// <summary>
    /// The reports the "network" still owes our messages: every message it took that is still waiting for one
    /// (<c>Sent</c>, or <c>Unknown</c> when the submission log shows it took it). Their outcome follows from the id.
    /// </summary>
    public async Task<int> ResendOwedReportsAsync(IEnumerable<(Guid MessageId, bool Unknown)> waiting, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var owed = waiting.Where(w => !w.Unknown || _log?.Accepted(w.MessageId) == true)
            .Where(w => !ChannelRules.DeliveredOnAcceptance(channel))
            .Select(w => new DeliveryReceipt(ProviderId(w.MessageId), DeliveredByHash(w.MessageId), null, now, w.MessageId))
            .Select(r => r.Delivered ? r : r with { ErrorCode = "undeliverable" })
            .ToList();
        foreach (var chunk in owed.Chunk(5_000))
            await receipts.PostAsync(chunk, ct);
        return owed.Count;
    }

    private bool DeliveredByHash(Guid messageId) =>
        (uint)messageId.GetHashCode() / (double)uint.MaxValue >= options.Value.NonDeliveryRate;

    public void Dispose() => _log?.Dispose();

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

    // The report goes to the inbox at once (no delay) or from a timer, without holding up the submission: a report lost
    // with the process (its timer, or a write not yet committed) is owed and sent again at the next start.
    private void Report(Guid messageId, bool delivered)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.ReceiptDelayMs));
        void Send() => _ = receipts.PostAsync([new DeliveryReceipt(ProviderId(messageId), delivered, delivered ? null : "undeliverable", clock.GetUtcNow().UtcDateTime, messageId)]);
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

    /// <summary>
    /// What the simulator received, a line per message ("{id} accepted" or "{id} rejected"), appended to a file and
    /// flushed to the OS at once, so a kill loses nothing.
    /// </summary>
    private sealed class SubmissionLog : IDisposable
    {
        private readonly Dictionary<Guid, bool> _seen = [];
        private readonly StreamWriter _writer;

        public SubmissionLog(string path)
        {
            if (File.Exists(path))
                foreach (var line in File.ReadLines(path))
                    if (line.Split(' ') is [var id, var outcome] && Guid.TryParse(id, out var messageId))
                        _seen[messageId] = outcome == "accepted";
            _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }

        /// <summary>Whether it took the message, or null if it never received it.</summary>
        public bool? Accepted(Guid id)
        {
            lock (_seen)
                return _seen.TryGetValue(id, out var accepted) ? accepted : null;
        }

        public void Append(Guid id, bool accepted)
        {
            lock (_seen)
            {
                _seen[id] = accepted;
                _writer.WriteLine($"{id} {(accepted ? "accepted" : "rejected")}");
            }
        }

        public void Dispose()
        {
            lock (_seen)
                _writer.Dispose();
        }
    }
}
