using System.Buffers;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.Email;

/// <summary>
/// The app's own SMTP listener for the bounce domain (<see cref="EmailBounceOptions"/>): it takes mail only for VERP
/// addresses (<see cref="BounceAddress"/>), reads whether it reports a failure (<see cref="BounceReport"/>) and posts a
/// non-delivery receipt for the message the address names to <see cref="IDeliveryReceiptSink"/> (<c>bounced</c>, or
/// <c>bounced_transient</c> when the relay gave up after temporary failures), answering 250 only once the receipt is
/// kept (451 otherwise, so the sending relay tries again). It stores nothing else and relays nothing. Off unless
/// <c>Channels:Email:Bounces:ListenPort</c> is set.
/// </summary>
public sealed class EmailBounceListener(IOptions<ChannelsOptions> options, IDeliveryReceiptSink receipts, TimeProvider clock,
    ILogger<EmailBounceListener> logger) : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    /// <summary>Where it listens once started; null while off.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>How many bounces it turned into receipts (for the logs and tests).</summary>
    public int BouncesReceived => Volatile.Read(ref _bounces);

    private int _bounces;
    private int _disposed;

    public Task StartAsync(CancellationToken ct)
    {
        var bounces = options.Value.Email.Bounces;
        if (bounces.ListenPort <= 0)
            return Task.CompletedTask;
        return StartAsync(bounces.ListenPort, ct);
    }

    /// <summary>Starts listening on <paramref name="port"/> (0: any free port, for tests) of the configured address.</summary>
    internal async Task StartAsync(int port, CancellationToken ct)
    {
        var bounces = options.Value.Email.Bounces;
        if (!BounceAddress.IsUsable(bounces.Address))
        {
            logger.LogWarning("Channels:Email:Bounces:ListenPort is set but Bounces:Address is not an address (bounces@your-bounce-domain): no bounce listener");
            return;
        }
        if (!IPAddress.TryParse(bounces.ListenAddress, out var address))
            throw new InvalidOperationException($"Channels:Email:Bounces:ListenAddress '{bounces.ListenAddress}' is not an IP address (0.0.0.0 for every interface).");
        var started = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult((IPEndPoint)e.LocalEndPoint);
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName(BounceAddress.DomainOf(bounces.Address)!)
            .MaxMessageSize(Math.Max(64 * 1024, bounces.MaxMessageBytes), MaxMessageSizeHandling.Strict)
            .Endpoint(e => e.Endpoint(new IPEndPoint(address, port)).SessionTimeout(TimeSpan.FromMinutes(2)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new VerpOnly(bounces.Address));
        services.Add(new BounceStore(this, bounces.Address));
        _server = new SmtpServer.SmtpServer(serverOptions, services);
        _running = _server.StartAsync(_stop.Token);
        // A port already taken fails the server's task before any endpoint starts.
        var first = await Task.WhenAny(started.Task, _running).WaitAsync(ct);
        if (first == _running)
            await _running;
        LocalEndPoint = await started.Task;
        logger.LogInformation("Taking bounces for {Address} (VERP) on {EndPoint}", bounces.Address, LocalEndPoint);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_server is null || _running is null)
            return;
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await StopAsync(CancellationToken.None);
        _stop.Dispose();
    }

    /// <summary>Stops taking mail without waiting for the sessions in progress (a host disposed synchronously).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _server?.Shutdown();
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task<SmtpResponse> ReceiveAsync(string bounceAddress, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
    {
        var messageIds = transaction.To
            .Select(to => BounceAddress.TryRead(bounceAddress, to.User, to.Host, out var id) ? id : (Guid?)null)
            .OfType<Guid>().Distinct().ToList();
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(buffer.ToArray());
            message = await MimeMessage.LoadAsync(stream, ct);
        }
        catch (FormatException e)
        {
            logger.LogWarning(e, "Mail to the bounce address for {Messages} could not be read as a message: ignored", string.Join(", ", messageIds));
            return SmtpResponse.Ok;
        }
        var fromNullSender = transaction.From is null || string.IsNullOrEmpty(transaction.From.User);
        var report = BounceReport.Read(message, fromNullSender);
        if (!report.Failed)
        {
            logger.LogInformation("Mail to the bounce address for {Messages} is {What}: not a bounce", string.Join(", ", messageIds), report.Status);
            return SmtpResponse.Ok;
        }
        var at = clock.GetUtcNow().UtcDateTime;
        try
        {
            await receipts.PostAsync(messageIds.Select(id => new DeliveryReceipt(null, false, report.ErrorCode, at, id)).ToList(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "A bounce for {Messages} could not be kept: the sending relay is asked to try again", string.Join(", ", messageIds));
            return new SmtpResponse((SmtpReplyCode)451, "4.3.0 Try again later");
        }
        Interlocked.Add(ref _bounces, messageIds.Count);
        logger.LogInformation("Bounce ({Status}) for e-mail {Messages}", report.Status, string.Join(", ", messageIds));
        return SmtpResponse.Ok;
    }

    // Mail for anything but a VERP address of ours is refused at RCPT: this is no mailbox and no relay.
    private sealed class VerpOnly(string bounceAddress) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken ct) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken ct) =>
            Task.FromResult(BounceAddress.TryRead(bounceAddress, to.User, to.Host, out _));
    }

    private sealed class BounceStore(EmailBounceListener listener, string bounceAddress) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct) =>
            listener.ReceiveAsync(bounceAddress, transaction, buffer, ct);
    }
}
