using System.Text;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Tests.Channels.WhatsApp;
using TalkNTalk.Core.Tests.Dispatch;
using TalkNTalk.Core.Tests.Infrastructure;
using static TalkNTalk.Core.Tests.Channels.ChannelTestKit;

namespace TalkNTalk.Core.Tests.Channels;

/// <summary>
/// Campaigns end to end through the real dispatcher and the real Telegram, Slack and WhatsApp Cloud providers, chosen by
/// their settings as an installation configures them, against loopback peers that answer as the providers document.
/// </summary>
public sealed class HttpProviderDispatchTests : IAsyncLifetime
{
    private LoopbackPeer _peer = null!;

    public async Task InitializeAsync() => _peer = await LoopbackPeer.StartAsync();

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    private Task<TestServices> StartAsync(string channel, string provider, Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(DispatcherTests.FastProvider) { [$"Channels:{channel}:Provider"] = provider };
        foreach (var (key, value) in settings)
            all[$"Channels:{channel}:{key}"] = value;
        return TestServices.StartAsync(all);
    }

    private static async Task<List<OutboundMessage>> MessagesAsync(TestServices services)
    {
        await using var db = services.NewDb();
        return await db.Messages.AsNoTracking().OrderBy(m => m.Address).ToListAsync();
    }

    [Fact]
    public async Task A_Telegram_campaign_goes_through_the_organisations_bot_and_a_person_who_blocked_it_leaves_Telegram()
    {
        await using var services = await StartAsync("Telegram", "BotApi", new() { ["BaseUrl"] = _peer.Url });
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.Telegram, "@AcmeKenyaBot");
        var book = await BookAsync(services, org, "Members",
            new ContactInput("0712000001", "Wanjiku", null, TelegramChatId: "111222333"),
            new ContactInput("0712000002", "Otieno", null, TelegramChatId: "444555666"));
        _peer.Answer = call => call.Json.GetProperty("chat_id").GetInt64() == 444555666
            ? new PeerAnswer(403, """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""")
            : new PeerAnswer(200, """{"ok":true,"result":{"message_id":77,"chat":{"id":111222333,"type":"private"},"date":1764662400,"text":"Meeting at 5"}}""");

        await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.Telegram, Message = "Habari {first_name}, meeting at 5.", AddressBookIds = [book],
        });
        await DispatcherTests.RunUntilIdleAsync(services.Get<Dispatcher>());

        Assert.All(_peer.Calls, c => Assert.Equal($"/bot{BotToken}/sendMessage", c.Path));
        Assert.Contains(_peer.Calls, c => c.Json.GetProperty("text").GetString() == "Habari Wanjiku, meeting at 5.");
        var messages = await MessagesAsync(services);
        Assert.Equal((MessageStatus.Delivered, "111222333:77"), (messages[0].Status, messages[0].ProviderMessageId));
        Assert.Equal((MessageStatus.Failed, ChannelRules.TelegramBlocked), (messages[1].Status, messages[1].ErrorCode));
        await using var db = services.NewDb();
        var optOut = await db.OptOuts.SingleAsync();
        Assert.Equal((Channel.Telegram, "444555666", OptOutReason.BotBlocked), (optOut.Channel, optOut.Address, optOut.Reason));
        Assert.Equal(10m - 0.20m, (await db.Wallets.SingleAsync()).Available); // the refusal is refunded
    }

    [Fact]
    public async Task Telegrams_429_holds_the_lane_for_its_retry_after_and_the_message_waits_uncharged()
    {
        await using var services = await StartAsync("Telegram", "BotApi", new() { ["BaseUrl"] = _peer.Url });
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.Telegram, "@AcmeKenyaBot");
        var book = await BookAsync(services, org, "Members", new ContactInput(null, "Wanjiku", null, TelegramChatId: "111222333"));
        _peer.Answer = _ => new PeerAnswer(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 30","parameters":{"retry_after":30}}""");
        await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.Telegram, Message = "Hi", AddressBookIds = [book] });
        var dispatcher = services.Get<Dispatcher>();

        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        Assert.Single(_peer.Calls);
        Assert.Equal(MessageStatus.Queued, (await MessagesAsync(services)).Single().Status);
        var health = services.Get<ChannelGateways>().For(Channel.Telegram)!.Health;
        Assert.Equal((GatewayState.Waiting, "BotApi"), (health.State, health.Provider));
        Assert.Equal(services.Clock.GetUtcNow().UtcDateTime.AddSeconds(30), health.RetryAt);

        _peer.Answer = _ => new PeerAnswer(200, """{"ok":true,"result":{"message_id":78,"chat":{"id":111222333,"type":"private"},"date":1764662400,"text":"Hi"}}""");
        services.Clock.Advance(TimeSpan.FromSeconds(31));
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        Assert.Equal(2, _peer.Calls.Count);
        Assert.Equal(MessageStatus.Delivered, (await MessagesAsync(services)).Single().Status);
    }

    [Fact]
    public async Task A_Slack_campaign_posts_to_each_member_as_the_workspaces_bot()
    {
        await using var services = await StartAsync("Slack", "WebApi", new() { ["BaseUrl"] = _peer.Url + "/api", ["BotToken"] = "xoxb-1-2-test" });
        var org = await services.CreateOrganisationAsync(credit: 10m);
        var book = await BookAsync(services, org, "Team",
            new ContactInput(null, "Wanjiku", null, SlackUserId: "U024BE7LH"),
            new ContactInput(null, "Otieno", null, SlackUserId: "U0G9QF9C6"));
        _peer.Answer = call => call.Json.GetProperty("channel").GetString() == "U0G9QF9C6"
            ? new PeerAnswer(200, """{"ok":false,"error":"user_not_found"}""")
            : new PeerAnswer(200, """{"ok":true,"channel":"D024BE91L","ts":"1503435956.000247","message":{"text":"Stand-up now"}}""");

        await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.Slack, Message = "Stand-up now", AddressBookIds = [book] });
        await DispatcherTests.RunUntilIdleAsync(services.Get<Dispatcher>());

        Assert.All(_peer.Calls, c => Assert.Equal(("/api/chat.postMessage", "Bearer xoxb-1-2-test"), (c.Path, c.Header("Authorization"))));
        var messages = await MessagesAsync(services);
        Assert.Equal((MessageStatus.Delivered, "D024BE91L:1503435956.000247"), (messages[0].Status, messages[0].ProviderMessageId));
        Assert.Equal((MessageStatus.Failed, "user_not_found"), (messages[1].Status, messages[1].ErrorCode));
    }

    [Fact]
    public async Task A_WhatsApp_template_campaign_is_sent_then_settled_by_Metas_status_notifications()
    {
        await using var services = await StartAsync("WhatsApp", "CloudApi", new() { ["BaseUrl"] = _peer.Url + "/v21.0", ["AccessToken"] = "EAAtest" });
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.WhatsApp, "0712345678", providerRef: "106540352242922");
        await services.Get<WhatsAppTemplates>().AddAsync(org, "order_update", "en", "Habari {{1}}, your order {{2}} is on its way.");
        var book = await BookAsync(services, org, "Customers", new ContactInput("0722000001", "Wanjiku", null), new ContactInput("0722000002", "Otieno", null));
        _peer.Answer = call => new PeerAnswer(200,
            $$"""{"messaging_product":"whatsapp","contacts":[{"input":"{{call.Json.GetProperty("to").GetString()}}"}],"messages":[{"id":"wamid.{{call.Json.GetProperty("to").GetString()}}"}]}""");

        await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.WhatsApp, Template = new WhatsAppTemplate("order_update", "en", ["{first_name}", "4411"]), AddressBookIds = [book],
        });
        var dispatcher = services.Get<Dispatcher>();
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        Assert.All(_peer.Calls, c => Assert.Equal(("/v21.0/106540352242922/messages", "template"), (c.Path, c.Json.GetProperty("type").GetString())));
        Assert.Contains(_peer.Calls, c => c.Json.GetProperty("template").GetProperty("components")[0].GetProperty("parameters")[0].GetProperty("text").GetString() == "Otieno");
        Assert.All(await MessagesAsync(services), m => Assert.Equal(MessageStatus.Sent, m.Status));

        var notification = WhatsAppStatusWebhookTests.Notification(
            WhatsAppStatusWebhookTests.Status("wamid.254722000001", "delivered", 1796558400),
            WhatsAppStatusWebhookTests.Status("wamid.254722000002", "failed", 1796558400, ChannelRules.WhatsAppMarketingOptOut));
        await services.Get<IDeliveryReceiptSink>().PostAsync(WhatsAppStatusWebhook.Read(Encoding.UTF8.GetBytes(notification), services.Clock.GetUtcNow().UtcDateTime));
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        var messages = await MessagesAsync(services);
        Assert.Equal(MessageStatus.Delivered, messages[0].Status);
        Assert.Equal((MessageStatus.Undelivered, ChannelRules.WhatsAppMarketingOptOut), (messages[1].Status, messages[1].ErrorCode));
        await using var db = services.NewDb();
        var optOut = await db.OptOuts.SingleAsync();
        Assert.Equal((Channel.WhatsApp, "254722000002", OptOutReason.MarketingOptOut), (optOut.Channel, optOut.Address, optOut.Reason));
    }

    [Fact]
    public async Task A_WhatsApp_message_whose_answer_was_lost_is_not_sent_again_and_its_status_settles_it_by_our_id()
    {
        await using var services = await StartAsync("WhatsApp", "CloudApi",
            new() { ["BaseUrl"] = _peer.Url + "/v21.0", ["AccessToken"] = "EAAtest", ["TimeoutSeconds"] = "1" });
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.WhatsApp, "0712345678", providerRef: "106540352242922");
        var book = await BookAsync(services, org, "Customers", new ContactInput("0722000001", "Wanjiku", null));
        var release = new TaskCompletionSource();
        _peer.BeforeAnswer = abort => release.Task.WaitAsync(abort);
        _peer.Answer = _ => new PeerAnswer(200, """{"messaging_product":"whatsapp","messages":[{"id":"wamid.lost"}]}""");
        await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Message = "Karibu!", AddressBookIds = [book] });
        var dispatcher = services.Get<Dispatcher>();

        try
        {
            await DispatcherTests.RunUntilIdleAsync(dispatcher);
        }
        finally
        {
            release.TrySetResult();
        }

        var message = (await MessagesAsync(services)).Single();
        Assert.Equal((MessageStatus.Unknown, null), (message.Status, message.ProviderMessageId));
        var ours = Guid.Parse(Assert.Single(_peer.Calls).Json.GetProperty("biz_opaque_callback_data").GetString()!);
        Assert.Equal(message.Id, ours);

        var notification = WhatsAppStatusWebhookTests.Notification(WhatsAppStatusWebhookTests.Status("wamid.lost", "read", 1796558400, ours: ours));
        await services.Get<IDeliveryReceiptSink>().PostAsync(WhatsAppStatusWebhook.Read(Encoding.UTF8.GetBytes(notification), services.Clock.GetUtcNow().UtcDateTime));
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        Assert.Equal(MessageStatus.Delivered, (await MessagesAsync(services)).Single().Status);
        Assert.Single(_peer.Calls);
    }
}
