using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Tests.Dispatch;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Channels.Email;

/// <summary>An e-mail campaign end to end: compose's service, the real dispatcher, SMTP to a loopback relay, a bounce back.</summary>
public sealed class EmailCampaignTests
{
    [Fact]
    public async Task An_email_campaign_arrives_once_per_recipient_and_a_later_bounce_makes_its_message_undelivered()
    {
        await using var relay = await LoopbackSmtpServer.StartAsync();
        var settings = EmailOriginVerificationTests.SmtpSettings(relay, new(EmailBounceTests.ListenerSettings)
        {
            ["Channels:Email:MessagesPerSecond"] = "0",
            ["Channels:Email:MaxConnections"] = "4",
            ["Dispatch:BatchSize"] = "10",
        });
        await using var services = await TestServices.StartAsync(settings);
        var org = await services.CreateOrganisationAsync(credit: 500m);
        await EmailOriginVerificationTests.RegisterVerifiedAsync(services, relay, org, "news@acme.co.ke");
        var books = services.Get<AddressBookService>();
        var members = await books.CreateAsync(org, "Members", null);
        var committee = await books.CreateAsync(org, "Committee", null);
        var contacts = services.Get<ContactService>();
        for (var i = 0; i < 30; i++)
            await contacts.AddAsync(org, members.Id, new ContactInput(null, $"Mwanachama{i}", null, Email: $"member{i}@example.co.ke"));
        await contacts.AddAsync(org, committee.Id, new ContactInput(null, "Mwanachama0", null, Email: "MEMBER0@example.co.ke")); // the same person twice
        relay.Received.Clear();

        var send = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org,
            Channel = Channel.Email,
            SenderId = "news@acme.co.ke",
            Subject = "Mkutano wa kesho 📅",
            Message = "Habari {first_name},\nMkutano ni kesho saa nne. Karibu! 🎉",
            AddressBookIds = [members.Id, committee.Id],
        });
        await DispatcherTests.RunUntilIdleAsync(services.Get<Dispatcher>());

        // Each recipient received it once, from the verified sender, personalised, carrying its message's id.
        var mails = relay.Received.ToList();
        Assert.Equal(30, mails.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"member{i}@example.co.ke").Order(), mails.Select(m => Assert.Single(m.EnvelopeTo)).Order());
        Assert.All(mails, m => Assert.Equal("news@acme.co.ke", Assert.Single(m.Message.From.Mailboxes).Address));
        Assert.All(mails, m => Assert.Equal("Mkutano wa kesho 📅", m.Message.Subject));
        var seven = mails.Single(m => m.EnvelopeTo[0] == "member7@example.co.ke");
        Assert.StartsWith("Habari Mwanachama7,", seven.Message.TextBody);
        Assert.InRange(relay.Sessions, 1, 4);
        await using (var db = services.NewDb())
        {
            var messages = await db.Messages.Where(m => m.CampaignId == send.CampaignId).ToListAsync();
            Assert.Equal(30, messages.Count);
            Assert.All(messages, m => Assert.Equal(MessageStatus.Delivered, m.Status));
            Assert.Equal(messages.Select(m => m.Id.ToString()).Order(), mails.Select(m => m.Message.Headers[Core.Channels.Email.SmtpEmailProvider.MessageIdHeader]!).Order());
            Assert.Equal(CampaignStatus.Completed, (await db.Campaigns.SingleAsync(c => c.Id == send.CampaignId)).Status);
        }

        // Hours later member7's server bounces it to the VERP address it came from.
        var bounced = Guid.Parse(seven.Message.Headers[Core.Channels.Email.SmtpEmailProvider.MessageIdHeader]!);
        Assert.Equal($"bounces+{bounced:N}@{EmailBounceTests.BounceDomain}", seven.EnvelopeFrom);
        var listener = await EmailBounceTests.StartListenerAsync(services);
        await EmailBounceTests.DeliverAsync(listener, EmailBounceTests.Dsn(bounced, "failed", "5.1.1"));
        await DispatcherTests.RunUntilIdleAsync(services.Get<Dispatcher>());

        await using (var db = services.NewDb())
        {
            var message = await db.Messages.SingleAsync(m => m.Id == bounced);
            Assert.Equal((MessageStatus.Undelivered, ChannelRules.EmailBounced), (message.Status, message.ErrorCode));
            Assert.Equal(29, await db.Messages.CountAsync(m => m.CampaignId == send.CampaignId && m.Status == MessageStatus.Delivered));
            Assert.Equal(0, await db.DeliveryInbox.CountAsync());
            // A hard bounce takes the address off e-mail (only).
            var optOut = await db.OptOuts.SingleAsync();
            Assert.Equal((Channel.Email, "member7@example.co.ke", OptOutReason.Bounced), (optOut.Channel, optOut.Address, optOut.Reason));
        }
    }
}
