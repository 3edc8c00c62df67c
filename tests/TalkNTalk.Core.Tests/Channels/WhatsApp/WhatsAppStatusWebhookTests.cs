using System.Text;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Tests.Channels.WhatsApp;

/// <summary>Meta's status notifications as its webhook reference shows them, the handshake and the signature.</summary>
public sealed class WhatsAppStatusWebhookTests
{
    private const string Secret = "6a1f2c0d9b8e7a5f4c3b2a1908f7e6d5";
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>One notification with the given statuses (JSON objects), as Meta posts it.</summary>
    public static string Notification(params string[] statuses) => $$"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"254712000111","phone_number_id":"106540352242922"},"statuses":[{{string.Join(",", statuses)}}]},"field":"messages"}]}]}
        """;

    public static string Status(string id, string status, long timestamp = 1796558400, string? errorCode = null, Guid? ours = null)
    {
        var callback = ours is { } o ? $",\"biz_opaque_callback_data\":\"{o:N}\"" : "";
        var errors = errorCode is null ? ""
            : ",\"errors\":[{\"code\":" + errorCode + ",\"title\":\"Unable to deliver\",\"message\":\"Unable to deliver\",\"error_data\":{\"details\":\"User opted out\"}}]";
        return $$$"""{"id":"{{{id}}}","status":"{{{status}}}","timestamp":"{{{timestamp}}}","recipient_id":"254722000111"{{{callback}}}{{{errors}}},"pricing":{"billable":true,"pricing_model":"PMP","category":"marketing"}}""";
    }

    private static IReadOnlyList<DeliveryReceipt> Read(string json) => WhatsAppStatusWebhook.Read(Encoding.UTF8.GetBytes(json), Now);

    [Fact]
    public void Delivered_and_read_deliver_failed_fails_with_its_code_and_sent_changes_nothing()
    {
        var ours = Guid.NewGuid();
        var receipts = Read(Notification(
            Status("wamid.A", "sent"),
            Status("wamid.A", "delivered", 1796558401),
            Status("wamid.B", "read", 1796558402, ours: ours),
            Status("wamid.C", "failed", 1796558403, "131050")));

        Assert.Equal(
            [
                new DeliveryReceipt("wamid.A", true, null, DateTime.UnixEpoch.AddSeconds(1796558401)),
                new DeliveryReceipt("wamid.B", true, null, DateTime.UnixEpoch.AddSeconds(1796558402), ours),
                new DeliveryReceipt("wamid.C", false, "131050", DateTime.UnixEpoch.AddSeconds(1796558403)),
            ],
            receipts);
    }

    [Fact]
    public void A_failure_without_errors_has_a_code_and_a_status_without_a_time_is_now()
    {
        var receipts = Read(Notification("""{"id":"wamid.D","status":"failed"}"""));
        Assert.Equal(new DeliveryReceipt("wamid.D", false, "failed", Now), Assert.Single(receipts));
    }

    [Theory]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp","messages":[{"from":"254722000111","id":"wamid.in","type":"text","text":{"body":"STOP"}}]},"field":"messages"}]}]}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"event":"APPROVED","message_template_name":"order_update"},"field":"message_template_status_update"}]}]}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[]}""")]
    public void Other_notifications_give_no_receipt(string json) => Assert.Empty(Read(json));

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"object":"whatsapp_business_account"}""")]
    [InlineData("""{"entry":{"id":"1"}}""")]
    [InlineData("""{"entry":[""")]
    public void A_body_that_is_no_notification_is_malformed(string json) => Assert.Throws<FormatException>(() => Read(json));

    [Fact]
    public void The_signature_is_the_hex_HMAC_SHA256_of_the_raw_body_with_the_app_secret()
    {
        var body = Encoding.UTF8.GetBytes(Notification(Status("wamid.A", "delivered")));
        var header = WhatsAppStatusWebhook.Sign(body, Secret);

        Assert.StartsWith("sha256=", header);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)), header[7..]);
        Assert.True(WhatsAppStatusWebhook.SignatureMatches(body, header, Secret));
        Assert.True(WhatsAppStatusWebhook.SignatureMatches(body, "sha256=" + header[7..].ToUpperInvariant(), Secret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha256=zz")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567")]
    public void A_missing_or_malformed_signature_does_not_match(string? header) =>
        Assert.False(WhatsAppStatusWebhook.SignatureMatches("{}"u8, header, Secret));

    [Fact]
    public void A_signature_of_another_body_or_secret_does_not_match_and_no_secret_matches_nothing()
    {
        var body = Encoding.UTF8.GetBytes(Notification(Status("wamid.A", "delivered")));
        var tampered = Encoding.UTF8.GetBytes(Notification(Status("wamid.A", "failed", errorCode: "131026")));

        Assert.False(WhatsAppStatusWebhook.SignatureMatches(tampered, WhatsAppStatusWebhook.Sign(body, Secret), Secret));
        Assert.False(WhatsAppStatusWebhook.SignatureMatches(body, WhatsAppStatusWebhook.Sign(body, "another-secret"), Secret));
        Assert.False(WhatsAppStatusWebhook.SignatureMatches(body, WhatsAppStatusWebhook.Sign(body, Secret), null));
    }

    [Theory]
    [InlineData("subscribe", "meta-verify-7", "meta-verify-7", true)]
    [InlineData("subscribe", "wrong", "meta-verify-7", false)]
    [InlineData("unsubscribe", "meta-verify-7", "meta-verify-7", false)]
    [InlineData("subscribe", null, "meta-verify-7", false)]
    [InlineData("subscribe", "", "", false)]
    [InlineData("subscribe", "anything", null, false)]
    public void The_handshake_needs_our_verify_token(string? mode, string? token, string? configured, bool expected) =>
        Assert.Equal(expected, WhatsAppStatusWebhook.IsSubscription(mode, token, configured));
}
