using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Tests.Dispatch;
using TalkNTalk.Core.Tests.Infrastructure;
using static TalkNTalk.Core.Tests.Channels.ChannelTestKit;

namespace TalkNTalk.Core.Tests.Channels;

/// <summary>The dispatcher on the channels beside SMS: each through its own lane, by its own rules, with opt-outs the channels report.</summary>
public sealed class ChannelDispatchTests
{
    private static readonly Dictionary<string, string?> Settings = new(DispatcherTests.FastProvider)
    {
        ["SimulatedProvider:FailureRate"] = "0",
        ["SimulatedProvider:NonDeliveryRate"] = "0",
        ["Dispatch:StopGraceMs"] = "200",
    };

    [Fact]
    public async Task An_email_campaign_reaches_each_address_once_delivered_on_acceptance_and_charged_per_message()
    {
        await using var services = await TestServices.StartAsync(Settings);
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.Email, "news@acme.co.ke");
        var customers = await BookAsync(services, org, "Customers",
            new ContactInput("0712000001", "Wanjiku", "Kamau", Email: "Wanjiku@Example.co.ke"),
            new ContactInput("0712000002", "Otieno", null),
            new ContactInput(null, "Achieng", null, Email: "achieng@example.co.ke"));
        var staff = await BookAsync(services, org, "Staff", new ContactInput(null, "Wanjiku", "K", Email: "wanjiku@example.co.ke"));
        var email = new RecordingProvider();
        var dispatcher = DispatcherTests.NewDispatcher(services,
            ChannelGateways.Fixed(services.Get<SmsGateway>(), Lane(Channel.Email, email, services)));

        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.Email, Subject = "Your statement", Message = "Habari {first_name}, your statement is ready.",
            AddressBookIds = [customers, staff],
        });
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        Assert.Equal(2, result.Queued.Count); // the same address in two books, and a contact with none, are one and nothing
        Assert.Equal(["achieng@example.co.ke", "wanjiku@example.co.ke"], email.Requests.Select(r => r.Address).Order());
        Assert.All(email.Requests, r => Assert.Equal(("news@acme.co.ke", "Your statement", Channel.Email, org), (r.SenderId, r.Subject, r.Channel, r.OrganisationId)));
        Assert.Contains(email.Requests, r => r.Body == "Habari Wanjiku, your statement is ready.");
        await using var db = services.NewDb();
        var messages = await db.Messages.ToListAsync();
        Assert.All(messages, m => Assert.Equal((MessageStatus.Delivered, Channel.Email, 0.10m), (m.Status, m.Channel, m.Cost)));
        Assert.All(messages, m => Assert.NotNull(m.DeliveredAt));
        var campaign = await db.Campaigns.SingleAsync();
        Assert.Equal((CampaignStatus.Completed, 2, 2, Channel.Email, "Your statement"), (campaign.Status, campaign.SentCount, campaign.DeliveredCount, campaign.Channel, campaign.Subject));
        var wallet = await db.Wallets.SingleAsync();
        Assert.Equal((9.80m, 0m), (wallet.Available, wallet.Reserved));
        Assert.Empty(services.Get<SimulatedSmsProvider>().Submissions); // nothing reached the SMS provider
    }

    [Fact]
    public async Task Every_channel_sends_through_its_simulated_provider_by_default()
    {
        await using var services = await TestServices.StartAsync(Settings);
        var org = await services.CreateOrganisationAsync(credit: 50m);
        await OriginAsync(services, org, Channel.Email, "news@acme.co.ke");
        await OriginAsync(services, org, Channel.Telegram, "@AcmeKenyaBot");
        await OriginAsync(services, org, Channel.WhatsApp, "0712345678", providerRef: "106540352242922");
        var book = await BookAsync(services, org, "Everyone",
            new ContactInput("0712000001", "Wanjiku", null, Email: "wanjiku@example.co.ke", TelegramChatId: "111222333", SlackUserId: "U024BE7LH"));
        var campaigns = services.Get<CampaignService>();
        foreach (var channel in ChannelNames.All)
            await campaigns.SendToAddressBooksAsync(new SendRequest
            {
                OrganisationId = org, Channel = channel, Message = $"Hello on {channel}", Subject = channel == Channel.Email ? "Hello" : null, AddressBookIds = [book],
            });

        await DispatcherTests.RunUntilIdleAsync(services.Get<Dispatcher>());

        await using var db = services.NewDb();
        var messages = await db.Messages.OrderBy(m => m.Channel).ToListAsync();
        Assert.Equal(ChannelNames.All.Order(), messages.Select(m => m.Channel).Order());
        Assert.All(messages, m => Assert.Equal(MessageStatus.Delivered, m.Status));
        Assert.All(await db.Campaigns.ToListAsync(), c => Assert.Equal(CampaignStatus.Completed, c.Status));
        // SMS 1.00 a segment, WhatsApp 0.80, Telegram 0.20, e-mail 0.10, Slack 0.10.
        Assert.Equal(50m - 1.00m - 0.80m - 0.20m - 0.10m - 0.10m, (await db.Wallets.SingleAsync()).Available);
    }

    [Fact]
    public async Task A_person_who_blocked_the_bot_is_refunded_and_kept_off_Telegram_but_not_off_SMS()
    {
        await using var services = await TestServices.StartAsync(Settings);
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.Telegram, "@AcmeKenyaBot");
        var book = await BookAsync(services, org, "Members",
            new ContactInput("0712000001", "Wanjiku", null, TelegramChatId: "111"),
            new ContactInput("0712000002", "Otieno", null, TelegramChatId: "222"));
        var telegram = new RecordingProvider(r => r.Address == "111"
            ? new SubmitResult(SubmitOutcome.Failed, ErrorCode: ChannelRules.TelegramBlocked, ErrorDetail: "Forbidden: bot was blocked by the user")
            : new SubmitResult(SubmitOutcome.Accepted, "42"));
        var dispatcher = DispatcherTests.NewDispatcher(services, ChannelGateways.Fixed(services.Get<SmsGateway>(), Lane(Channel.Telegram, telegram, services)));
        var campaigns = services.Get<CampaignService>();

        await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.Telegram, Message = "Meeting at 5", AddressBookIds = [book] });
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        await using var db = services.NewDb();
        var blocked = await db.Messages.SingleAsync(m => m.Address == "111");
        Assert.Equal((MessageStatus.Failed, ChannelRules.TelegramBlocked), (blocked.Status, blocked.ErrorCode));
        var optOut = await db.OptOuts.SingleAsync();
        Assert.Equal((Channel.Telegram, "111", OptOutReason.BotBlocked), (optOut.Channel, optOut.Address, optOut.Reason));
        Assert.Equal(10m - 0.20m, (await db.Wallets.SingleAsync()).Available);

        var again = await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.Telegram, Message = "Meeting moved", AddressBookIds = [book] });
        Assert.Equal(["222"], again.Queued.Select(q => q.Mobile));
        var sms = await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Message = "Meeting moved", AddressBookIds = [book] });
        Assert.Equal(2, sms.Queued.Count);
    }

    [Fact]
    public async Task A_channel_whose_provider_hangs_does_not_hold_up_SMS()
    {
        await using var services = await TestServices.StartAsync(Settings);
        var org = await services.CreateOrganisationAsync(credit: 100m);
        var book = await BookAsync(services, org, "Team", new ContactInput(null, "Wanjiku", null, SlackUserId: "U024BE7LH"));
        var slack = new HangingProvider();
        var dispatcher = DispatcherTests.NewDispatcher(services, ChannelGateways.Fixed(services.Get<SmsGateway>(), Lane(Channel.Slack, slack, services)));
        var campaigns = services.Get<CampaignService>();
        var stuck = (await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.Slack, Message = "Stand-up now", AddressBookIds = [book] })).CampaignId;
        var sms = await DispatcherTests.SendAsync(services, org, 30);

        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await DispatcherTests.WaitUntilAsync(() =>
            {
                using var db = services.NewDb();
                return slack.Handed == 1 && db.Campaigns.Any(c => c.Id == sms && c.Status == CampaignStatus.Completed)
                       && db.Messages.Count(m => m.CampaignId == sms && m.Status == MessageStatus.Delivered) == 30;
            });
            await using var check = services.NewDb();
            Assert.Equal(30, await check.Messages.CountAsync(m => m.CampaignId == sms && m.Status == MessageStatus.Delivered));
            Assert.Equal(CampaignStatus.Running, (await check.Campaigns.SingleAsync(c => c.Id == stuck)).Status);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
        // The hung hand-over was given up at the stop: the message waits, uncharged, for the next process.
        await using var after = services.NewDb();
        Assert.Equal(MessageStatus.Queued, (await after.Messages.SingleAsync(m => m.CampaignId == stuck)).Status);
    }

    [Fact]
    public async Task A_bounce_turns_a_delivered_email_undelivered_and_keeps_the_address_off_email_only()
    {
        await using var services = await TestServices.StartAsync(Settings);
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.Email, "news@acme.co.ke");
        var book = await BookAsync(services, org, "Customers", new ContactInput("0712000001", "Wanjiku", null, Email: "wanjiku@example.co.ke"));
        var dispatcher = services.Get<Dispatcher>();
        await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.Email, Subject = "Statement", Message = "Your statement is ready.", AddressBookIds = [book],
        });
        await DispatcherTests.RunUntilIdleAsync(dispatcher);
        Guid id;
        await using (var db = services.NewDb())
            id = (await db.Messages.SingleAsync(m => m.Status == MessageStatus.Delivered)).Id;

        var bounce = new DeliveryReceipt(null, false, ChannelRules.EmailBounced, services.Clock.GetUtcNow().UtcDateTime, id);
        await services.Get<IDeliveryReceiptSink>().PostAsync([bounce]);
        await DispatcherTests.RunUntilIdleAsync(dispatcher);
        await services.Get<IDeliveryReceiptSink>().PostAsync([bounce]); // the same bounce again changes nothing
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        await using var after = services.NewDb();
        var message = await after.Messages.SingleAsync();
        Assert.Equal((MessageStatus.Undelivered, ChannelRules.EmailBounced, null), (message.Status, message.ErrorCode, message.DeliveredAt));
        var campaign = await after.Campaigns.SingleAsync();
        Assert.Equal((1, 0), (campaign.SentCount, campaign.DeliveredCount));
        Assert.Equal(10m - 0.10m, (await after.Wallets.SingleAsync()).Available); // the relay took it: charged, not refunded
        var optOut = await after.OptOuts.SingleAsync();
        Assert.Equal((Channel.Email, "wanjiku@example.co.ke", OptOutReason.Bounced), (optOut.Channel, optOut.Address, optOut.Reason));
        Assert.Empty(await after.DeliveryInbox.ToListAsync());
    }

    [Fact]
    public async Task A_message_the_provider_defers_waits_queued_and_uncharged_while_the_rest_go_on()
    {
        await using var services = await TestServices.StartAsync(Settings);
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.WhatsApp, "0712345678", providerRef: "106540352242922");
        var book = await BookAsync(services, org, "Customers", new ContactInput("0712000001", "Wanjiku", null), new ContactInput("0712000002", "Otieno", null));
        var deferredOnce = 0;
        var whatsapp = new RecordingProvider(r => r.Address == "254712000001" && Interlocked.Increment(ref deferredOnce) == 1
            ? new SubmitResult(SubmitOutcome.Deferred, ErrorCode: "131056", ErrorDetail: "pair rate limit", RetryAfter: TimeSpan.FromSeconds(30))
            : new SubmitResult(SubmitOutcome.Accepted, $"wamid.{r.Address}"));
        var dispatcher = DispatcherTests.NewDispatcher(services, ChannelGateways.Fixed(services.Get<SmsGateway>(), Lane(Channel.WhatsApp, whatsapp, services)));
        await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Message = "Your order is ready", AddressBookIds = [book] });

        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        await using (var db = services.NewDb())
        {
            var waiting = await db.Messages.SingleAsync(m => m.Address == "254712000001");
            Assert.Equal((MessageStatus.Queued, "131056"), (waiting.Status, waiting.ErrorCode));
            Assert.Equal(services.Clock.GetUtcNow().UtcDateTime.AddSeconds(30), waiting.ScheduledAt!.Value, TimeSpan.FromSeconds(1));
            Assert.Equal(MessageStatus.Sent, (await db.Messages.SingleAsync(m => m.Address == "254712000002")).Status);
            var wallet = await db.Wallets.SingleAsync();
            Assert.Equal((8.40m, 0.80m), (wallet.Available, wallet.Reserved)); // one charged, one still reserved
            Assert.Equal(CampaignStatus.Running, (await db.Campaigns.SingleAsync()).Status);
        }

        services.Clock.Advance(TimeSpan.FromSeconds(31));
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        await using var after = services.NewDb();
        var sent = await after.Messages.SingleAsync(m => m.Address == "254712000001");
        Assert.Equal((MessageStatus.Sent, null), (sent.Status, sent.ErrorCode));
        Assert.Equal(3, whatsapp.Requests.Count);
        Assert.Equal((8.40m, 0m), ((await after.Wallets.SingleAsync()).Available, (await after.Wallets.SingleAsync()).Reserved));
        Assert.Equal(CampaignStatus.Completed, (await after.Campaigns.SingleAsync()).Status);
    }

    [Fact]
    public async Task A_WhatsApp_marketing_opt_out_report_keeps_the_number_off_WhatsApp_only()
    {
        await using var services = await TestServices.StartAsync(Settings);
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.WhatsApp, "0712345678", providerRef: "106540352242922");
        var book = await BookAsync(services, org, "Customers", new ContactInput("0712000001", "Wanjiku", null), new ContactInput("0712000002", "Otieno", null));
        var whatsapp = new RecordingProvider(r => new SubmitResult(SubmitOutcome.Accepted, $"wamid.{r.Address}"));
        var dispatcher = DispatcherTests.NewDispatcher(services, ChannelGateways.Fixed(services.Get<SmsGateway>(), Lane(Channel.WhatsApp, whatsapp, services)));
        var campaigns = services.Get<CampaignService>();
        await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Message = "New offers inside", AddressBookIds = [book] });
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        var now = services.Clock.GetUtcNow().UtcDateTime;
        await services.Get<IDeliveryReceiptSink>().PostAsync([
            new DeliveryReceipt("wamid.254712000001", false, ChannelRules.WhatsAppMarketingOptOut, now),
            new DeliveryReceipt("wamid.254712000002", true, null, now),
        ]);
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        await using var db = services.NewDb();
        Assert.Equal(MessageStatus.Undelivered, (await db.Messages.SingleAsync(m => m.Address == "254712000001")).Status);
        Assert.Equal(MessageStatus.Delivered, (await db.Messages.SingleAsync(m => m.Address == "254712000002")).Status);
        var optOut = await db.OptOuts.SingleAsync();
        Assert.Equal((Channel.WhatsApp, "254712000001", OptOutReason.MarketingOptOut), (optOut.Channel, optOut.Address, optOut.Reason));
        var again = await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Message = "More offers", AddressBookIds = [book] });
        Assert.Equal(["254712000002"], again.Queued.Select(q => q.Mobile));
        var sms = await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Message = "Your statement", AddressBookIds = [book] });
        Assert.Equal(2, sms.Queued.Count);
    }
}

/// <summary>Which provider each channel sends through, as its settings name it.</summary>
public sealed class ChannelGatewaysTests
{
    [Fact]
    public async Task A_provider_name_is_read_in_any_case_and_an_unknown_one_stops_the_start()
    {
        await using (var services = await TestServices.StartAsync(new() { ["Channels:Telegram:Provider"] = "botapi", ["Channels:Slack:Provider"] = "simulated" }))
        {
            var gateways = services.Get<ChannelGateways>();
            Assert.Equal(("BotApi", "Simulated", "Simulated"), (gateways.For(Channel.Telegram)!.ProviderName, gateways.For(Channel.Slack)!.ProviderName, gateways.For(Channel.Email)!.ProviderName));
        }
        await using var wrong = await TestServices.StartAsync(new() { ["Channels:Email:Provider"] = "Smtpp" });

        var refused = Assert.Throws<InvalidOperationException>(() => wrong.Get<ChannelGateways>());

        Assert.Contains("Channels:Email:Provider is 'Smtpp'", refused.Message);
        Assert.Contains("Simulated or Smtp", refused.Message);
    }
}
