using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace TalkNTalk.Core.Tests.Channels.Email;

/// <summary>What the loopback relay received: the envelope, the parsed message, whether the session was encrypted and signed in.</summary>
public sealed record ReceivedMail(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message, bool Secure, string? User);

/// <summary>
/// A real SMTP server (the SmtpServer package) on a free loopback port, standing in for the relay: it keeps what it
/// receives, counts sessions, and can refuse recipients (5xx or 4xx), require a password, and offer STARTTLS with a
/// self-signed certificate.
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private int _sessions;

    public int Port { get; private set; }

    public ConcurrentQueue<ReceivedMail> Received { get; } = new();

    /// <summary>How many e-mails each envelope recipient received (kept in every mode: the benchmark checks "once each").</summary>
    public ConcurrentDictionary<string, int> ByRecipient { get; } = new(StringComparer.OrdinalIgnoreCase);

    private readonly bool _countOnly;

    /// <summary>SMTP sessions opened so far: the provider's connections.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>The certificate it offers for STARTTLS (null without TLS).</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The SHA-256 fingerprint of <see cref="Certificate"/>, as <c>Channels:Email:ServerCertificateSha256</c> takes it.</summary>
    public string? CertificateSha256 => Certificate is null ? null : Convert.ToHexString(SHA256.HashData(Certificate.RawData));

    private LoopbackSmtpServer(Options options, int port)
    {
        _countOnly = options.CountOnly;
        if (options.StartTls)
            Certificate = SelfSigned();
        var listeners = new EndpointListenerFactory();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var builder = new SmtpServerOptionsBuilder().ServerName("relay.test").Endpoint(e =>
        {
            e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).IsSecure(false);
            if (Certificate is not null)
                e.Certificate(Certificate);
            if (options.Password is not null)
                e.AuthenticationRequired().AllowUnsecureAuthentication(Certificate is null);
        });
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        services.Add(new Filter(options.Refuse));
        if (options.Password is { } password)
            services.Add(new DelegatingUserAuthenticator((user, pass) => user == options.User && pass == password));
        _server = new SmtpServer.SmtpServer(builder.Build(), services);
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _sessions);
        _running = _server.StartAsync(_stop.Token);
        _started = started.Task;
    }

    private readonly Task<int> _started;

    /// <summary>Starts a relay on a free loopback port (or on <paramref name="port"/>, to stand in for one that restarted).</summary>
    public static async Task<LoopbackSmtpServer> StartAsync(Options? options = null, int port = 0)
    {
        var server = new LoopbackSmtpServer(options ?? new Options(), port);
        var first = await Task.WhenAny(server._started, server._running).WaitAsync(TimeSpan.FromSeconds(30));
        if (first == server._running)
            await server._running;
        server.Port = await server._started;
        return server;
    }

    /// <param name="Refuse">A recipient's answer instead of 250: a reply code (550, 451) or null to take it.</param>
    /// <param name="User">With <paramref name="Password"/>: sign-in is required with these.</param>
    /// <param name="CountOnly">Count recipients without parsing or keeping the e-mails (a benchmark's hundred thousand).</param>
    public sealed record Options(Func<string, int?>? Refuse = null, string User = "relay-user", string? Password = null, bool StartTls = false,
        bool CountOnly = false);

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
        }
        Certificate?.Dispose();
        _stop.Dispose();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=relay.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Reloaded from PKCS#12 so that SslStream on Linux can use the private key.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private sealed class Store(LoopbackSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            foreach (var to in transaction.To)
                server.ByRecipient.AddOrUpdate(Address(to), 1, (_, n) => n + 1);
            if (server._countOnly)
                return SmtpResponse.Ok;
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, ct);
            server.Received.Enqueue(new ReceivedMail(Address(transaction.From), transaction.To.Select(Address).ToList(), message,
                context.Pipe.IsSecure, context.Authentication.IsAuthenticated ? context.Authentication.User : null));
            return SmtpResponse.Ok;
        }

        private static string Address(IMailbox? mailbox) => mailbox is null || string.IsNullOrEmpty(mailbox.User) ? "" : $"{mailbox.User}@{mailbox.Host}";
    }

    private sealed class Filter(Func<string, int?>? refuse) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken ct) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken ct)
        {
            if (refuse?.Invoke($"{to.User}@{to.Host}") is { } code)
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)code, code >= 500 ? "5.1.1 No such user here" : "4.2.0 Mailbox busy, try later"));
            return Task.FromResult(true);
        }
    }
}
