using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.Email;

/// <summary>E-mail's provider (section <c>Channels:Email</c>): simulated, or <c>Smtp</c> through any relay.</summary>
public sealed class EmailOptions : ChannelProviderOptions
{
    public const string Smtp = "Smtp";

    public override int MessagesPerSecond { get; set; } = 50;

    /// <summary>The relay's host name (Postfix on this machine, <c>email-smtp.eu-west-1.amazonaws.com</c>, <c>smtp.office365.com</c>).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>587 (submission, STARTTLS), 465 (TLS from the first byte) or 25.</summary>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is encrypted; <see cref="SmtpSecurity.Auto"/> is TLS on 465 and STARTTLS when the relay offers it elsewhere.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>The relay's username and password; an empty username sends without signing in (a relay that trusts this machine's address).</summary>
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>
    /// The SHA-256 fingerprint (hex) of the relay's own certificate, for a relay on your network with a self-signed one:
    /// that certificate is then trusted, and no other. Empty: the usual checks against the machine's trusted authorities.
    /// </summary>
    public string ServerCertificateSha256 { get; set; } = "";

    /// <summary>The name shown beside every campaign's sender address (<c>"Acme Kenya" &lt;news@acme.co.ke&gt;</c>); empty shows the address alone.</summary>
    public string FromName { get; set; } = "";

    /// <summary>
    /// The address the platform's own e-mails (a sender's verification link) come from, e.g. <c>no-reply@sms.example.co.ke</c>.
    /// Empty: the address being verified sends the link to itself.
    /// </summary>
    public string SystemSender { get; set; } = "";

    /// <summary>How long connecting, TLS and signing in may take before the relay counts as unreachable.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>How long the relay may take to answer one command; once the message's data was sent, longer makes its outcome unknown.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>SMTP connections kept open at once: one per concurrent submission, reused for the next message.</summary>
    public int MaxConnections { get; set; } = 8;

    /// <summary>Messages sent over one connection before it is closed and another opened (relays limit this); 0 for no limit.</summary>
    public int MaxMessagesPerConnection { get; set; } = 500;

    /// <summary>A connection unused for longer is closed rather than reused (relays drop idle clients after a few minutes).</summary>
    public int IdleSeconds { get; set; } = 60;

    public EmailBounceOptions Bounces { get; set; } = new();
}

/// <summary>How the connection to the relay is encrypted.</summary>
public enum SmtpSecurity
{
    /// <summary>TLS from the first byte on port 465; elsewhere STARTTLS when the relay offers it, plain text when it does not.</summary>
    Auto,
    /// <summary>Plain text: only for a relay on this machine or a trusted network.</summary>
    None,
    /// <summary>STARTTLS, required: a relay that does not offer it counts as unreachable.</summary>
    StartTls,
    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>
/// Bounces (section <c>Channels:Email:Bounces</c>): each e-mail's envelope sender is <c>{local}+{message id}@{domain}</c> of
/// <see cref="Address"/> (VERP), so a bounce names its message whatever the relay; the app's own SMTP listener takes
/// mail for that domain and turns a failure report into the message's <c>undelivered</c>.
/// </summary>
public sealed class EmailBounceOptions
{
    /// <summary>
    /// The bounce address, e.g. <c>bounces@bounce.example.co.ke</c>, whose domain's MX points at this server (or a relay
    /// that forwards to it). Empty: the sender's own address is the envelope sender, and bounces go to its mailbox, not here.
    /// </summary>
    public string Address { get; set; } = "";

    /// <summary>The port the bounce listener takes mail on (25 faces the internet; or another behind a port forward); 0: no listener.</summary>
    public int ListenPort { get; set; }

    /// <summary>The local address it listens on: 0.0.0.0 for every interface.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>The largest bounce it takes (a report often carries the original message back).</summary>
    public int MaxMessageBytes { get; set; } = 5 * 1024 * 1024;
}
