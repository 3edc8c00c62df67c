using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.Email;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Channels.Email;

/// <summary>Bounces sent over SMTP to the app's listener for the VERP domain, as a recipient's mail server sends them.</summary>
public sealed class EmailBounceTests
{
    internal const string BounceDomain = "bounce.acme.test";

    internal static readonly Dictionary<string, string?> ListenerSettings = new()
    {
        ["Channels:Email:Bounces:Address"] = $"bounces@{BounceDomain}",
        ["Channels:Email:Bounces:ListenAddress"] = "127.0.0.1",
    };

    /// <summary>A delivery status notification (RFC 3464) for one recipient, as Postfix writes one.</summary>
    internal static MimeMessage Dsn(Guid messageId, string action, string status)
    {
        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = "I'm sorry to have to inform you that your message could not be delivered to one or more recipients." },
        };
        var statuses = new MessageDeliveryStatus();
        statuses.StatusGroups.Add([new Header("Reporting-MTA", "dns; mx.example.co.ke")]);
        statuses.StatusGroups.Add([new Header("Final-Recipient", "rfc822; nobody@example.co.ke"), new Header("Action", action), new Header("Status", status)]);
        report.Add(statuses);
        var dsn = new MimeMessage { Subject = "Undelivered Mail Returned to Sender", Body = report };
        dsn.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.example.co.ke"));
        dsn.To.Add(MailboxAddress.Parse(BounceAddress.For($"bounces@{BounceDomain}", messageId)!));
        dsn.Headers.Add("Auto-Submitted", "auto-replied");
        return dsn;
    }

    /// <summary>Sends <paramref name="message"/> to the listener from the null sender (<c>MAIL FROM:&lt;&gt;</c>), as bounces come.</summary>
    internal static async Task DeliverAsync(EmailBounceListener listener, MimeMessage message, string? envelopeFrom = null)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", listener.LocalEndPoint!.Port, MailKit.Security.SecureSocketOptions.None);
        var from = envelopeFrom is null ? new MailboxAddress("", "") : MailboxAddress.Parse(envelopeFrom);
        await client.SendAsync(message, from, message.To.Mailboxes);
        await client.DisconnectAsync(quit: true);
    }

    /// <summary>The app's bounce listener on a free loopback port.</summary>
    internal static async Task<EmailBounceListener> StartListenerAsync(TestServices services)
    {
        var listener = services.Get<EmailBounceListener>();
        await listener.StartAsync(0, CancellationToken.None);
        return listener;
    }

    /// <summary>A message to <paramref name="messageId"/>'s bounce address.</summary>
    private static MimeMessage ToBounceAddress(Guid messageId, string from, string subject, string text)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = text } };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(BounceAddress.For($"bounces@{BounceDomain}", messageId)!));
        return message;
    }

    [Fact]
    public async Task A_bounce_is_kept_as_an_undelivered_receipt_for_its_message_before_the_sender_is_answered()
    {
        await using var services = await TestServices.StartAsync(ListenerSettings);
        var listener = await StartListenerAsync(services);
        var messageId = Guid.NewGuid();

        await DeliverAsync(listener, Dsn(messageId, "failed", "5.1.1 (user unknown)"));

        await using var db = services.NewDb();
        var receipt = await db.DeliveryInbox.SingleAsync();
        Assert.Equal((messageId, false, ChannelRules.EmailBounced), (receipt.MessageId, receipt.Delivered, receipt.ErrorCode));
        Assert.Null(receipt.ProviderMessageId);
        Assert.Equal(1, listener.BouncesReceived);
    }

    [Fact]
    public async Task A_delay_notice_or_an_out_of_office_reply_is_taken_but_is_no_bounce()
    {
        await using var services = await TestServices.StartAsync(ListenerSettings);
        var listener = await StartListenerAsync(services);
        var messageId = Guid.NewGuid();
        var outOfOffice = ToBounceAddress(messageId, "wanjiku@example.co.ke", "Out of office: Mkutano wa kesho", "Niko likizo hadi Jumatatu.");
        outOfOffice.Headers.Add("Auto-Submitted", "auto-replied");

        await DeliverAsync(listener, Dsn(messageId, "delayed", "4.4.1"));
        await DeliverAsync(listener, outOfOffice);

        await using var db = services.NewDb();
        Assert.Equal(0, await db.DeliveryInbox.CountAsync());
        Assert.Equal(0, listener.BouncesReceived);
    }

    [Fact]
    public async Task Mail_for_any_address_but_a_message_s_bounce_address_is_refused()
    {
        await using var services = await TestServices.StartAsync(ListenerSettings);
        var listener = await StartListenerAsync(services);
        var stray = new MimeMessage { Subject = "Hello", Body = new TextPart("plain") { Text = "Relay this?" } };
        stray.From.Add(MailboxAddress.Parse("someone@example.com"));
        stray.To.Add(MailboxAddress.Parse("someone@elsewhere.example"));

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => DeliverAsync(listener, stray, "someone@example.com"));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
        Assert.Equal(550, (int)error.StatusCode);
    }

    [Fact]
    public void A_plain_text_bounce_from_the_mailer_daemon_counts_and_mail_from_a_person_does_not()
    {
        var plain = new MimeMessage { Subject = "Mail delivery failed: returning message to sender", Body = new TextPart("plain") { Text = "550 5.1.1 unknown user" } };
        plain.From.Add(MailboxAddress.Parse("Mailer-Daemon@mx.example.co.ke"));
        plain.Headers.Add("Auto-Submitted", "auto-replied");
        var reply = new MimeMessage { Subject = "Re: Mkutano wa kesho", Body = new TextPart("plain") { Text = "Asante!" } };
        reply.From.Add(MailboxAddress.Parse("wanjiku@example.co.ke"));

        Assert.True(BounceReport.Read(plain, fromNullSender: true).Failed);
        Assert.False(BounceReport.Read(plain, fromNullSender: false).Failed);
        Assert.False(BounceReport.Read(reply, fromNullSender: true).Failed);
        Assert.Equal(new BounceReport(true, "5.2.2"), BounceReport.Read(Dsn(Guid.NewGuid(), "failed", "5.2.2"), fromNullSender: true));
    }

    [Fact]
    public void A_permanent_failure_is_a_hard_bounce_and_giving_up_after_temporary_ones_is_not_nor_is_a_delay_warning()
    {
        var warning = new MimeMessage { Subject = "Warning: message 1tXyz-000 delayed 24 hours", Body = new TextPart("plain") { Text = "still trying" } };
        warning.From.Add(MailboxAddress.Parse("Mailer-Daemon@mx.example.co.ke"));

        Assert.Equal(ChannelRules.EmailBounced, BounceReport.Read(Dsn(Guid.NewGuid(), "failed", "5.1.1"), fromNullSender: true).ErrorCode);
        Assert.Equal(BounceReport.GaveUp, BounceReport.Read(Dsn(Guid.NewGuid(), "failed", "4.4.7"), fromNullSender: true).ErrorCode);
        Assert.False(BounceReport.Read(warning, fromNullSender: true).Failed);
    }

    [Fact]
    public void A_bounce_address_names_its_message_whatever_the_case_and_only_under_the_configured_one()
    {
        var id = Guid.NewGuid();
        var verp = BounceAddress.For("Bounces@Bounce.Acme.Test", id)!;
        var (user, host) = (verp[..verp.IndexOf('@')], verp[(verp.IndexOf('@') + 1)..]);

        Assert.Equal($"Bounces+{id:N}@Bounce.Acme.Test", verp);
        Assert.True(BounceAddress.TryRead("bounces@bounce.acme.test", user.ToUpperInvariant(), host.ToLowerInvariant(), out var read));
        Assert.Equal(id, read);
        Assert.False(BounceAddress.TryRead("bounces@bounce.acme.test", user, "other.test", out _));
        Assert.False(BounceAddress.TryRead("bounces@bounce.acme.test", $"news+{id:N}", host, out _));
        Assert.Null(BounceAddress.For("", id));
    }
}
