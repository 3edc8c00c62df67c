using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Gateway;

/// <summary>
/// GET and POST /callbacks/whatsapp: Meta's subscription handshake, and its signed status notifications for messages the
/// running dispatcher sent through the real Cloud API provider (a loopback peer answering as Meta does), through the
/// durable inbox to the message.
/// </summary>
public sealed class WhatsAppCallbackTests : IAsyncLifetime
{
    private const string AppSecret = "6a1f2c0d9b8e7a5f4c3b2a1908f7e6d5";
    private const string VerifyToken = "acme-meta-verify-7";
    private const string Wamid = "wamid.HBgMMjU0NzIyMDAwMTExFQIAERgSQjY0QTg0RjA2NzE4RTdCRDdBAA==";

    private LoopbackPeer _meta = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _meta = await LoopbackPeer.StartAsync();
        _meta.Answer = _ => new PeerAnswer(200, $$"""{"messaging_product":"whatsapp","contacts":[{"input":"254722000111","wa_id":"254722000111"}],"messages":[{"id":"{{Wamid}}"}]}""");
        _app = new TestApp(settings: new Dictionary<string, string>
        {
            ["Channels:WhatsApp:Provider"] = "CloudApi",
            ["Channels:WhatsApp:BaseUrl"] = _meta.Url + "/v21.0",
            ["Channels:WhatsApp:AccessToken"] = "EAAtest",
            ["Channels:WhatsApp:AppSecret"] = AppSecret,
            ["Channels:WhatsApp:VerifyToken"] = VerifyToken,
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _meta.DisposeAsync();
    }

    private static string Notification(string id, string status, string? errorCode = null, long timestamp = 1796558400)
    {
        var errors = errorCode is null ? "" : $$$""","errors":[{"code":{{{errorCode}}},"title":"Unable to deliver","message":"Unable to deliver","error_data":{"details":"User opted out of marketing messages"}}]""";
        return $$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
            "metadata":{"display_phone_number":"254712000111","phone_number_id":"106540352242922"},
            "statuses":[{"id":"{{{id}}}","status":"{{{status}}}","timestamp":"{{{timestamp}}}","recipient_id":"254722000111"{{{errors}}}}]},"field":"messages"}]}]}
            """;
    }

    private Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/callbacks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        return _app.CreateClient().SendAsync(request);
    }

    private static string Signed(string body, string secret = AppSecret) => WhatsAppStatusWebhook.Sign(Encoding.UTF8.GetBytes(body), secret);

    /// <summary>A WhatsApp message the dispatcher handed to Meta, named by the wamid Meta answered.</summary>
    private async Task<Guid> SentMessageAsync()
    {
        var org = await _app.OrganisationIdAsync();
        var origins = _app.Service<SenderIdService>();
        var number = await origins.RegisterAsync(org, new OriginRequest(Channel.WhatsApp, "254712000111", ProviderRef: "106540352242922"));
        await origins.ApproveAsync(org, number.Id, "test");
        var sent = await _app.Service<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.WhatsApp, Message = "Habari! Your order 4411 is on its way.", Numbers = ["254722000111"], Source = MessageSource.Api,
        });
        var id = Assert.Single(sent.Queued).Id;
        await TestApp.EventuallyAsync(async () => (await _app.MessageAsync(id)) is { Status: MessageStatus.Sent, ProviderMessageId: Wamid });
        Assert.Equal("/v21.0/106540352242922/messages", Assert.Single(_meta.Calls).Path);
        return id;
    }

    [Fact]
    public async Task The_subscription_handshake_echoes_the_challenge_only_for_our_verify_token()
    {
        var client = _app.CreateClient();

        var good = await client.GetAsync($"/callbacks/whatsapp?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444");
        Assert.Equal((HttpStatusCode.OK, "1158201444"), (good.StatusCode, await good.Content.ReadAsStringAsync()));

        var wrong = await client.GetAsync("/callbacks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.DoesNotContain("1158201444", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/callbacks/whatsapp?hub.challenge=1")).StatusCode);
    }

    [Fact]
    public async Task A_missing_or_wrong_signature_is_refused_and_keeps_nothing()
    {
        var id = await SentMessageAsync();
        var body = Notification(Wamid, "delivered");

        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(body, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(body, Signed(body, "not-the-app-secret"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(body, Signed(Notification(Wamid, "failed", "131026")))).StatusCode);

        Assert.Equal(0, await _app.InboxCountAsync());
        Assert.Equal(MessageStatus.Sent, (await _app.MessageAsync(id)).Status);
    }

    [Fact]
    public async Task A_signed_body_that_is_no_notification_is_a_400()
    {
        const string body = """{"object":"whatsapp_business_account","entry":[{"id":""";

        var response = await PostAsync(body, Signed(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _app.InboxCountAsync());
    }

    [Fact]
    public async Task A_sent_status_is_answered_and_changes_nothing()
    {
        var id = await SentMessageAsync();
        var body = Notification(Wamid, "sent");

        var response = await PostAsync(body, Signed(body));

        Assert.Equal((HttpStatusCode.OK, "Ignored: no final status.\n"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        Assert.Equal(0, await _app.InboxCountAsync());
        Assert.Equal(MessageStatus.Sent, (await _app.MessageAsync(id)).Status);
    }

    [Fact]
    public async Task A_delivered_status_delivers_the_message_and_the_same_report_twice_or_a_later_read_changes_nothing()
    {
        var id = await SentMessageAsync();
        // Meta's time of delivery, a minute after the hand-over.
        var at = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds();
        var body = Notification(Wamid, "delivered", timestamp: at);

        var first = await PostAsync(body, Signed(body));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await TestApp.EventuallyAsync(async () => (await _app.MessageAsync(id)).Status == MessageStatus.Delivered && await _app.InboxCountAsync() == 0);
        var delivered = await _app.MessageAsync(id);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(at), delivered.DeliveredAt);

        var read = Notification(Wamid, "read", timestamp: at + 60);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, Signed(body))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(read, Signed(read))).StatusCode);

        await TestApp.EventuallyAsync(async () => await _app.InboxCountAsync() == 0);
        var after = await _app.MessageAsync(id);
        Assert.Equal((MessageStatus.Delivered, delivered.DeliveredAt, delivered.UpdatedAt, delivered.Cost), (after.Status, after.DeliveredAt, after.UpdatedAt, after.Cost));
    }

    [Fact]
    public async Task A_failed_status_makes_the_message_undelivered_with_Metas_code()
    {
        var id = await SentMessageAsync();
        var body = Notification(Wamid, "failed", ChannelRules.WhatsAppMarketingOptOut);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, Signed(body))).StatusCode);

        await TestApp.EventuallyAsync(async () => (await _app.MessageAsync(id)).Status == MessageStatus.Undelivered);
        Assert.Equal(ChannelRules.WhatsAppMarketingOptOut, (await _app.MessageAsync(id)).ErrorCode);
    }
}
