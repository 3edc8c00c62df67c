using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.Email;

/// <summary>
/// Sends e-mail through any SMTP relay with MailKit: the sender's verified address in From, the subject, the text and
/// an HTML copy of it, our message id in <c>X-TalkNTalk-Message-Id</c> and the Message-ID, and the VERP envelope sender
/// (<see cref="BounceAddress"/>) so that a later bounce names its message. What the relay answers decides the outcome:
/// 2xx taken; a 5xx refusal of this message (its recipient, its content) failed with the code and text; a 4xx, a
/// refused connection, TLS or sign-in trouble, or a refused envelope sender of ours: not taken (the message stays queued
/// and the lane's circuit backs off); a broken connection once the message's data went out: unknown, never re-sent.
/// Connections are pooled (<see cref="EmailOptions.MaxConnections"/>, one per concurrent submission) and reused, so a
/// campaign of 100,000 costs a handful of connections, not 100,000.
/// </summary>
public sealed class SmtpEmailProvider : IMessageProvider, IAsyncDisposable, IDisposable
{
    /// <summary>The header that carries our message id (a bounce that quotes the original's headers quotes it too).</summary>
    public const string MessageIdHeader = "X-TalkNTalk-Message-Id";

    private readonly EmailOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly Stack<Connection> _idle = new();
    private readonly Lock _gate = new();
    private int _opened;
    private bool _disposed;

    public SmtpEmailProvider(EmailOptions options, TimeProvider clock, ILogger<SmtpEmailProvider> logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConnections));
    }

    /// <summary>SMTP has no idempotency key: a message whose answer was lost is never handed over again.</summary>
    public bool DeduplicatesByMessageId => false;

    /// <summary>A relay has no account credit of ours to run out of.</summary>
    public Task<bool> HasCreditAsync(CancellationToken ct) => Task.FromResult(true);

    /// <summary>How many SMTP connections were opened since start (a test checks they are reused).</summary>
    public int ConnectionsOpened => Volatile.Read(ref _opened);

    public Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        var envelope = BounceAddress.For(_options.Bounces.Address, request.MessageId) ?? request.SenderId;
        MimeMessage message;
        MailboxAddress sender, recipient;
        try
        {
            (message, sender, recipient) = (Compose(request), MailboxAddress.Parse(envelope), MailboxAddress.Parse(request.Address));
        }
        catch (ParseException e)
        {
            // Addresses are checked on the way in (ChannelAddress), so this is rare; nothing went, and nothing will.
            return Task.FromResult(new SubmitResult(SubmitOutcome.Failed, ErrorCode: "invalid_address", ErrorDetail: $"Not an e-mail address: {e.Message}"));
        }
        return SendAsync(message, sender, recipient, ct);
    }

    /// <summary>The e-mail a message becomes: plain text with an HTML alternative, UTF-8 wherever it is needed.</summary>
    public MimeMessage Compose(SubmitRequest request)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(_options.FromName.Trim(), request.SenderId));
        message.To.Add(MailboxAddress.Parse(request.Address));
        message.Subject = request.Subject ?? "";
        message.Date = _clock.GetUtcNow();
        message.MessageId = $"{request.MessageId:N}@{BounceAddress.DomainOf(_options.Bounces.Address) ?? BounceAddress.DomainOf(request.SenderId) ?? "talkntalk.local"}";
        message.Headers.Add(MessageIdHeader, request.MessageId.ToString());
        message.Body = new BodyBuilder { TextBody = request.Body, HtmlBody = Html(request.Body) }.ToMessageBody();
        return message;
    }

    /// <summary>
    /// Sends one e-mail over a pooled connection and says what the relay did with it (see the class). A connection the
    /// relay dropped while it sat idle fails before anything of the message went, so one fresh connection is tried then.
    /// </summary>
    internal async Task<SubmitResult> SendAsync(MimeMessage message, MailboxAddress envelopeSender, MailboxAddress recipient, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = await RentAsync(fresh: attempt > 0, ct);
            var keep = false;
            try
            {
                connection.Client.DataStarted = false;
                await connection.Client.SendAsync(FormatOptions.Default, message, envelopeSender, [recipient], ct);
                connection.Sent++;
                keep = true;
                return new SubmitResult(SubmitOutcome.Accepted);
            }
            catch (SmtpCommandException e)
            {
                // The relay answered: the connection is fine for the next message (MailKit reset the transaction).
                keep = connection.Client.IsConnected;
                return Refused(e, envelopeSender);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (!connection.Client.DataStarted)
            {
                if (attempt == 0 && connection.Sent > 0)
                {
                    _logger.LogDebug(e, "A reused SMTP connection to {Host} was gone; trying a new one", _options.Host);
                    continue;
                }
                throw new ProviderUnavailableException($"The SMTP relay {Relay} dropped the connection before taking the message: {e.Message}", e);
            }
            catch (Exception e)
            {
                throw new IOException($"The connection to the SMTP relay {Relay} broke after the message was sent and before it answered; the relay may have taken it.", e);
            }
            finally
            {
                Return(connection, keep);
            }
        }
    }

    private SubmitResult Refused(SmtpCommandException e, MailboxAddress envelopeSender)
    {
        var code = (int)e.StatusCode;
        var text = e.Message.Trim();
        // A temporary refusal (4xx) took nothing: the message waits. Our own envelope sender refused is the installation's
        // problem (the bounce domain), not this message's, so it waits too, with the lane showing why.
        if (code is >= 400 and < 500)
            throw new ProviderUnavailableException($"The SMTP relay {Relay} refused for now: {code} {text}");
        if (e.ErrorCode == SmtpErrorCode.SenderNotAccepted && BounceAddress.IsUsable(_options.Bounces.Address))
            throw new ProviderUnavailableException($"The SMTP relay {Relay} refuses the bounce address {envelopeSender.Address}: {code} {text}. Check Channels:Email:Bounces:Address.");
        var what = e.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => "the recipient",
            SmtpErrorCode.SenderNotAccepted => "the sender",
            _ => "the message",
        };
        return new SubmitResult(SubmitOutcome.Failed, ErrorCode: code.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ErrorDetail: $"The SMTP relay refused {what}: {code} {text}");
    }

    private string Relay => $"{_options.Host}:{_options.Port}";

    // ---- the pool ----

    private async Task<Connection> RentAsync(bool fresh, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(ct);
        try
        {
            var now = _clock.GetUtcNow();
            while (!fresh && TakeIdle() is { } idle)
            {
                if (idle.Client.IsConnected && now - idle.LastUsed < TimeSpan.FromSeconds(Math.Max(1, _options.IdleSeconds)))
                    return idle;
                Close(idle);
            }
            return await OpenAsync(ct);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private Connection? TakeIdle()
    {
        lock (_gate)
            return _idle.TryPop(out var connection) ? connection : null;
    }

    private void Return(Connection connection, bool keep)
    {
        connection.LastUsed = _clock.GetUtcNow();
        var worn = _options.MaxMessagesPerConnection > 0 && connection.Sent >= _options.MaxMessagesPerConnection;
        var pooled = false;
        if (keep && !worn && connection.Client.IsConnected)
            lock (_gate)
                if (!_disposed)
                {
                    _idle.Push(connection);
                    pooled = true;
                }
        if (!pooled)
            Close(connection);
        _slots.Release();
    }

    private async Task<Connection> OpenAsync(CancellationToken ct)
    {
        var client = new TrackedSmtpClient { Timeout = Math.Max(1, _options.TimeoutSeconds) * 1000 };
        if (!string.IsNullOrWhiteSpace(_options.ServerCertificateSha256))
        {
            client.CheckCertificateRevocation = false;
            client.ServerCertificateValidationCallback = Pinned;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, _options.ConnectTimeoutSeconds)));
        try
        {
            // Our own socket, so that Nagle's algorithm is off: SMTP is short commands each waiting for a short reply, and
            // with it on a reply can wait for the peer's delayed acknowledgement (tens of milliseconds a message).
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            await client.ConnectAsync(socket, _options.Host, _options.Port, Security(), timeout.Token);
            if (!string.IsNullOrEmpty(_options.Username))
                await client.AuthenticateAsync(_options.Username, _options.Password, timeout.Token);
            Interlocked.Increment(ref _opened);
            return new Connection(client) { LastUsed = _clock.GetUtcNow() };
        }
        catch (Exception e)
        {
            client.Dispose();
            if (ct.IsCancellationRequested)
                throw;
            // Nothing of any message went: whatever stopped us (refused, unreachable, TLS, the password), it was not taken.
            var reason = e switch
            {
                AuthenticationException => "refused the username or password",
                SslHandshakeException => "failed the TLS handshake (check Security and the certificate)",
                OperationCanceledException => $"did not answer within {_options.ConnectTimeoutSeconds} s",
                _ => "could not be reached",
            };
            throw new ProviderUnavailableException($"The SMTP relay {Relay} {reason}: {e.Message}", e);
        }
    }

    private SecureSocketOptions Security() => _options.Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    // A relay with its own self-signed certificate: that certificate, and only it, is trusted.
    private bool Pinned(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && string.Equals(Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())),
            _options.ServerCertificateSha256.Replace(":", "").Trim(), StringComparison.OrdinalIgnoreCase);

    // QUIT politely, but never make a submission wait for it.
    private void Close(Connection connection) => _ = Task.Run(async () =>
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (connection.Client.IsConnected)
                await connection.Client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Closing an SMTP connection to {Host} failed", _options.Host);
        }
        finally
        {
            connection.Client.Dispose();
        }
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in TakeAllIdle())
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await connection.Client.DisconnectAsync(quit: true, timeout.Token);
            }
            catch (Exception)
            {
                // Stopping: a relay that does not say goodbye changes nothing.
            }
            connection.Client.Dispose();
        }
    }

    /// <summary>Closes the idle connections without saying goodbye (a host disposed synchronously).</summary>
    public void Dispose()
    {
        foreach (var connection in TakeAllIdle())
            connection.Client.Dispose();
    }

    private List<Connection> TakeAllIdle()
    {
        lock (_gate)
        {
            _disposed = true;
            List<Connection> idle = [.. _idle];
            _idle.Clear();
            return idle;
        }
    }

    /// <summary>The text as HTML: escaped, line breaks kept, nothing else added.</summary>
    public static string Html(string text)
    {
        var html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n<div>");
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
                html.Append("<br>\n");
            foreach (var c in lines[i])
                html.Append(c switch
                {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    '\'' => "&#39;",
                    _ => c.ToString(),
                });
        }
        return html.Append("</div>\n</body></html>\n").ToString();
    }

    private sealed class Connection(TrackedSmtpClient client)
    {
        public TrackedSmtpClient Client { get; } = client;
        public int Sent { get; set; }
        public DateTimeOffset LastUsed { get; set; }
    }

    /// <summary>Knows when the envelope was taken, so that DATA (and the message) follows: a failure after that may have delivered it.</summary>
    private sealed class TrackedSmtpClient : SmtpClient
    {
        public bool DataStarted { get; set; }

        protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            base.OnRecipientAccepted(message, mailbox, response);
            DataStarted = true;
        }
    }
}
