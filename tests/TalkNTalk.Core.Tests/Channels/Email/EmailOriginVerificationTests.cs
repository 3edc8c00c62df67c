using System.Text.RegularExpressions;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.Email;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Channels.Email;

/// <summary>An e-mail sender's verification link, sent through the SMTP relay and followed.</summary>
public sealed partial class EmailOriginVerificationTests
{
    internal static Dictionary<string, string?> SmtpSettings(LoopbackSmtpServer relay, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Channels:Email:Provider"] = EmailOptions.Smtp,
            ["Channels:Email:Host"] = "127.0.0.1",
            ["Channels:Email:Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Channels:Email:Security"] = nameof(SmtpSecurity.None),
            ["Channels:Email:SystemSender"] = "no-reply@sms.acme.test",
            ["App:PublicBaseUrl"] = "https://sms.acme.test/",
        };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        return settings;
    }

    /// <summary>Registers an e-mail sender and follows the link the relay received for it.</summary>
    internal static async Task<SenderIdView> RegisterVerifiedAsync(TestServices services, LoopbackSmtpServer relay, Guid org, string address)
    {
        await services.Get<SenderIdService>().RegisterAsync(org, new OriginRequest(Channel.Email, address));
        var mail = relay.Received.Last(m => m.EnvelopeTo.Contains(address));
        var link = LinkPattern().Match(mail.Message.TextBody!);
        return await services.Get<SenderIdService>().VerifyAsync(Guid.Parse(link.Groups["id"].Value), link.Groups["token"].Value);
    }

    [GeneratedRegex(@"(?<base>https?://\S+?)/senders/verify/(?<id>[0-9a-f-]{36})/(?<token>[0-9a-f]+)")]
    private static partial Regex LinkPattern();

    [Fact]
    public async Task The_sender_receives_a_link_at_the_public_address_that_verifies_it()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync();
        await using var services = await TestServices.StartAsync(SmtpSettings(relay));
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();

        var registered = await senders.RegisterAsync(org, new OriginRequest(Channel.Email, "News@Acme.co.ke"));

        var mail = Assert.Single(relay.Received);
        Assert.Equal(["news@acme.co.ke"], mail.EnvelopeTo);
        Assert.Equal("no-reply@sms.acme.test", Assert.Single(mail.Message.From.Mailboxes).Address);
        Assert.Equal("Confirm news@acme.co.ke as an e-mail sender", mail.Message.Subject);
        var link = LinkPattern().Match(mail.Message.TextBody!);
        Assert.True(link.Success, mail.Message.TextBody);
        Assert.Equal(("https://sms.acme.test", registered.Id.ToString()), (link.Groups["base"].Value, link.Groups["id"].Value));
        Assert.Contains(link.Value, mail.Message.HtmlBody);
        Assert.Equal(SenderIdStatus.Pending, registered.Status);

        var verified = await senders.VerifyAsync(registered.Id, link.Groups["token"].Value);

        Assert.Equal((SenderIdStatus.Approved, true, false), (verified.Status, verified.IsDefault, verified.AwaitingVerification));
    }

    [Fact]
    public async Task A_relay_that_refuses_the_address_says_the_link_was_not_sent_and_keeps_the_sender_waiting()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync(new LoopbackSmtpServer.Options(Refuse: _ => 550));
        await using var services = await TestServices.StartAsync(SmtpSettings(relay));
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();

        var error = await Assert.ThrowsAsync<DomainException>(() => senders.RegisterAsync(org, new OriginRequest(Channel.Email, "news@acme.co.ke")));

        Assert.Equal("verification_not_sent", error.Code);
        Assert.Contains("Send the link again", error.Message);
        var saved = Assert.Single(await senders.ListAsync(org, Channel.Email));
        Assert.True(saved.AwaitingVerification);
    }

    [Fact]
    public async Task With_the_simulated_provider_nothing_is_sent_and_the_link_is_only_logged()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync();
        var settings = SmtpSettings(relay, new() { ["Channels:Email:Provider"] = "Simulated" });
        await using var services = await TestServices.StartAsync(settings);
        var org = await services.CreateOrganisationAsync();

        var registered = await services.Get<SenderIdService>().RegisterAsync(org, new OriginRequest(Channel.Email, "news@acme.co.ke"));

        Assert.True(registered.AwaitingVerification);
        Assert.Empty(relay.Received);
        Assert.Equal("https://sms.acme.test/senders/verify/" + registered.Id + "/abc", services.Get<PublicLinks>().SenderVerification(registered.Id, "abc"));
    }
}
