using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.Email;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Tests.Channels.Email;

/// <summary>The SMTP provider against a real SMTP server on loopback.</summary>
public sealed class SmtpEmailProviderTests
{
    private static EmailOptions Settings(LoopbackSmtpServer relay, Action<EmailOptions>? change = null) => Settings(relay.Port, change);

    private static EmailOptions Settings(int port, Action<EmailOptions>? change = null)
    {
        var options = new EmailOptions
        {
            Provider = EmailOptions.Smtp,
            Host = "127.0.0.1",
            Port = port,
            Security = SmtpSecurity.None,
            FromName = "Acme Kenya",
            ConnectTimeoutSeconds = 10,
            TimeoutSeconds = 10,
            Bounces = { Address = "bounces@bounce.acme.test" },
        };
        change?.Invoke(options);
        return options;
    }

    private static SmtpEmailProvider Provider(EmailOptions options) => new(options, TimeProvider.System, NullLogger<SmtpEmailProvider>.Instance);

    private static SubmitRequest Email(string to, string body = "Habari Wanjiku,\nMkutano ni kesho saa nne. 🎉", string subject = "Mkutano wa kesho 📅") =>
        new(Guid.NewGuid(), to, "news@acme.co.ke", body, 1, Channel.Email, subject);

    [Fact]
    public async Task An_accepted_email_arrives_with_its_sender_subject_text_html_and_message_id_in_utf8()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync();
        await using var provider = Provider(Settings(relay));
        var request = Email("wanjiku@example.co.ke", "Habari <Wanjiku> & karibu,\nMkutano ni kesho saa nne. 🎉\r\nAsante!");

        var result = await provider.SubmitAsync(request, CancellationToken.None);

        Assert.Equal(SubmitOutcome.Accepted, result.Outcome);
        var mail = Assert.Single(relay.Received);
        Assert.Equal($"bounces+{request.MessageId:N}@bounce.acme.test", mail.EnvelopeFrom); // VERP: a bounce names the message
        Assert.Equal(["wanjiku@example.co.ke"], mail.EnvelopeTo);
        var from = Assert.Single(mail.Message.From.Mailboxes);
        Assert.Equal(("Acme Kenya", "news@acme.co.ke"), (from.Name, from.Address));
        Assert.Equal("wanjiku@example.co.ke", Assert.Single(mail.Message.To.Mailboxes).Address);
        Assert.Equal("Mkutano wa kesho 📅", mail.Message.Subject);
        Assert.Equal("Habari <Wanjiku> & karibu,\nMkutano ni kesho saa nne. 🎉\nAsante!", mail.Message.TextBody!.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Contains("Habari &lt;Wanjiku&gt; &amp; karibu,<br>\nMkutano ni kesho saa nne. 🎉<br>\nAsante!", mail.Message.HtmlBody);
        Assert.Equal(request.MessageId.ToString(), mail.Message.Headers[SmtpEmailProvider.MessageIdHeader]);
        Assert.Equal($"{request.MessageId:N}@bounce.acme.test", mail.Message.MessageId);
    }

    [Fact]
    public async Task A_recipient_the_relay_refuses_for_good_fails_with_its_code_and_the_connection_serves_the_next()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync(new LoopbackSmtpServer.Options(Refuse: to => to.StartsWith("nobody@") ? 550 : null));
        await using var provider = Provider(Settings(relay));

        var refused = await provider.SubmitAsync(Email("nobody@example.co.ke"), CancellationToken.None);
        var next = await provider.SubmitAsync(Email("otieno@example.co.ke"), CancellationToken.None);

        Assert.Equal(SubmitOutcome.Failed, refused.Outcome);
        Assert.Equal("550", refused.ErrorCode);
        Assert.Contains("No such user here", refused.ErrorDetail);
        Assert.Equal(SubmitOutcome.Accepted, next.Outcome);
        Assert.Equal(["otieno@example.co.ke"], Assert.Single(relay.Received).EnvelopeTo);
        Assert.Equal(1, relay.Sessions);
    }

    [Fact]
    public async Task A_temporary_refusal_takes_nothing_so_the_message_stays_queued()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync(new LoopbackSmtpServer.Options(Refuse: _ => 451));
        await using var provider = Provider(Settings(relay));

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => provider.SubmitAsync(Email("wanjiku@example.co.ke"), CancellationToken.None));

        Assert.Contains("451", error.Message);
        Assert.Empty(relay.Received);
    }

    [Fact]
    public async Task A_relay_that_is_down_is_unavailable_not_an_unknown_outcome()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        await using var provider = Provider(Settings(port));

        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => provider.SubmitAsync(Email("wanjiku@example.co.ke"), CancellationToken.None));

        Assert.Contains("could not be reached", error.Message);
    }

    [Fact]
    public async Task It_signs_in_with_the_username_and_password_and_a_wrong_password_is_unavailable()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync(new LoopbackSmtpServer.Options(User: "acme", Password: "s3cret-relay"));
        await using var right = Provider(Settings(relay, o => (o.Username, o.Password) = ("acme", "s3cret-relay")));
        await using var wrong = Provider(Settings(relay, o => (o.Username, o.Password) = ("acme", "guess")));

        Assert.Equal(SubmitOutcome.Accepted, (await right.SubmitAsync(Email("wanjiku@example.co.ke"), CancellationToken.None)).Outcome);
        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => wrong.SubmitAsync(Email("otieno@example.co.ke"), CancellationToken.None));

        Assert.Equal("acme", Assert.Single(relay.Received).User);
        Assert.Contains("username or password", error.Message);
    }

    [Fact]
    public async Task StartTls_encrypts_the_session_with_a_pinned_certificate_and_a_wrong_pin_is_unavailable()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync(new LoopbackSmtpServer.Options(User: "acme", Password: "s3cret-relay", StartTls: true));
        void Tls(EmailOptions o, string pin) => (o.Security, o.ServerCertificateSha256, o.Username, o.Password) = (SmtpSecurity.StartTls, pin, "acme", "s3cret-relay");
        await using var pinned = Provider(Settings(relay, o => Tls(o, relay.CertificateSha256!)));
        await using var other = Provider(Settings(relay, o => Tls(o, new string('A', 64))));

        Assert.Equal(SubmitOutcome.Accepted, (await pinned.SubmitAsync(Email("wanjiku@example.co.ke"), CancellationToken.None)).Outcome);
        var error = await Assert.ThrowsAsync<ProviderUnavailableException>(() => other.SubmitAsync(Email("otieno@example.co.ke"), CancellationToken.None));

        var mail = Assert.Single(relay.Received);
        Assert.True(mail.Secure);
        Assert.Equal("acme", mail.User);
        Assert.Contains("TLS", error.Message);
    }

    [Fact]
    public async Task Required_StartTls_with_a_relay_that_offers_none_is_unavailable()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync();
        await using var provider = Provider(Settings(relay, o => o.Security = SmtpSecurity.StartTls));

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => provider.SubmitAsync(Email("wanjiku@example.co.ke"), CancellationToken.None));

        Assert.Empty(relay.Received);
    }

    [Fact]
    public async Task Many_messages_at_once_share_a_few_connections()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync();
        await using var provider = Provider(Settings(relay, o => o.MaxConnections = 3));

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => provider.SubmitAsync(Email($"member{i}@example.co.ke"), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(SubmitOutcome.Accepted, r.Outcome));
        Assert.Equal(60, relay.Received.Count);
        Assert.InRange(relay.Sessions, 1, 3);
        Assert.Equal(relay.Sessions, provider.ConnectionsOpened);
    }

    [Fact]
    public async Task A_connection_is_replaced_after_its_message_limit()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync();
        await using var provider = Provider(Settings(relay, o => (o.MaxConnections, o.MaxMessagesPerConnection) = (1, 4)));

        for (var i = 0; i < 10; i++)
            Assert.Equal(SubmitOutcome.Accepted, (await provider.SubmitAsync(Email($"member{i}@example.co.ke"), CancellationToken.None)).Outcome);

        Assert.Equal(10, relay.Received.Count);
        Assert.Equal(3, provider.ConnectionsOpened);
    }

    [Fact]
    public async Task A_pooled_connection_the_relay_dropped_is_replaced_without_losing_the_message()
    {
        var first = await LoopbackSmtpServer.StartAsync();
        var port = first.Port;
        await using var provider = Provider(Settings(port));
        Assert.Equal(SubmitOutcome.Accepted, (await provider.SubmitAsync(Email("wanjiku@example.co.ke"), CancellationToken.None)).Outcome);
        await first.DisposeAsync(); // the relay restarts: the pooled connection is dead

        await using var restarted = await LoopbackSmtpServer.StartAsync(port: port);
        var result = await provider.SubmitAsync(Email("otieno@example.co.ke"), CancellationToken.None);

        Assert.Equal(SubmitOutcome.Accepted, result.Outcome);
        Assert.Equal(["otieno@example.co.ke"], Assert.Single(restarted.Received).EnvelopeTo);
        Assert.Equal(2, provider.ConnectionsOpened);
    }

    [Fact]
    public async Task A_connection_lost_after_the_data_went_is_an_unknown_outcome_not_a_retry()
    {
        await using var relay = DropsAfterData.Start();
        await using var provider = Provider(Settings(relay.Port));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => provider.SubmitAsync(Email("wanjiku@example.co.ke"), CancellationToken.None));

        Assert.IsNotType<ProviderUnavailableException>(error);
        Assert.Contains("may have taken it", error.Message);
        Assert.Equal(1, relay.Messages); // it was not handed over a second time
    }

    [Fact]
    public void The_html_copy_escapes_the_text_and_keeps_its_line_breaks()
    {
        var html = SmtpEmailProvider.Html("a < b & \"c\"\r\n\nd's");

        Assert.Contains("<div>a &lt; b &amp; &quot;c&quot;<br>\n<br>\nd&#39;s</div>", html);
        Assert.Contains("<meta charset=\"utf-8\">", html);
    }

    /// <summary>A relay that takes the message's data and closes the connection before answering it.</summary>
    private sealed class DropsAfterData : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _serving = Task.CompletedTask;
        private int _messages;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Messages => Volatile.Read(ref _messages);

        public static DropsAfterData Start()
        {
            var relay = new DropsAfterData();
            relay._listener.Start();
            relay._serving = relay.ServeAsync();
            return relay;
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 relay.test ESMTP");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var command = line.ToUpperInvariant();
                    if (command.StartsWith("EHLO"))
                        await writer.WriteLineAsync("250 relay.test");
                    else if (command.StartsWith("DATA"))
                    {
                        await writer.WriteLineAsync("354 go ahead");
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                        {
                        }
                        Interlocked.Increment(ref _messages);
                        break; // the answer never comes
                    }
                    else
                        await writer.WriteLineAsync("250 OK");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _serving;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
