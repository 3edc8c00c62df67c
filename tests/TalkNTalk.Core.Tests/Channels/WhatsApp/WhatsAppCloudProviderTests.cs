using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Channels.WhatsApp;

/// <summary>
/// The Cloud API provider against a loopback peer answering as Meta documents <c>POST /{phone-number-id}/messages</c>:
/// 200 with <c>{"messaging_product", "contacts", "messages": [{"id": "wamid…"}]}</c>, or a Graph API error
/// <c>{"error": {"message", "type", "code", "error_data": {"messaging_product", "details"}, "fbtrace_id"}}</c>.
/// </summary>
public sealed class WhatsAppCloudProviderTests : IAsyncLifetime
{
    private const string Number = "254712000111";
    private const string PhoneNumberId = "106540352242922";
    private const string AccessToken = "EAAJB3rZCRDZC0BAO8test";
    private const string Wamid = "wamid.HBgMMjU0NzIyMDAwMTExFQIAERgSQjY0QTg0RjA2NzE4RTdCRDdBAA==";

    private TestServices _services = null!;
    private LoopbackPeer _meta = null!;
    private Guid _organisation;

    public async Task InitializeAsync()
    {
        _services = await TestServices.StartAsync();
        _organisation = await _services.CreateOrganisationAsync();
        await ChannelTestKit.OriginAsync(_services, _organisation, Channel.WhatsApp, Number, PhoneNumberId);
        _meta = await LoopbackPeer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _meta.DisposeAsync();
        await _services.DisposeAsync();
    }

    private WhatsAppCloudProvider Provider(string? baseUrl = null, string? token = AccessToken) =>
        new(new WhatsAppOptions { Provider = WhatsAppOptions.CloudApi, BaseUrl = baseUrl ?? _meta.Url + "/v21.0", AccessToken = token, TimeoutSeconds = 5 },
            _services.Get<OriginSecrets>(), _services.Get<IHttpClientFactory>());

    private SubmitRequest Request(string body = "Habari Wanjiku! Your order 4411 is on its way.", string sender = Number) =>
        new(Guid.NewGuid(), "254722000111", sender, body, 1, Channel.WhatsApp, OrganisationId: _organisation);

    private static PeerAnswer Sent(string id = Wamid) => new(200,
        $$"""{"messaging_product":"whatsapp","contacts":[{"input":"254722000111","wa_id":"254722000111"}],"messages":[{"id":"{{id}}","message_status":"accepted"}]}""");

    private static PeerAnswer Error(int status, long code, string message, string details) => new(status,
        $$$"""{"error":{"message":"{{{message}}}","type":"OAuthException","code":{{{code}}},"error_data":{"messaging_product":"whatsapp","details":"{{{details}}}"},"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}""");

    [Fact]
    public async Task A_text_message_goes_from_the_numbers_phone_number_id_with_our_id_for_its_webhooks_and_is_named_by_its_wamid()
    {
        _meta.Answer = _ => Sent();
        var request = Request();

        var result = await Provider().SubmitAsync(request, default);

        Assert.Equal(new SubmitResult(SubmitOutcome.Accepted, Wamid), result);
        var call = Assert.Single(_meta.Calls);
        Assert.Equal(("POST", $"/v21.0/{PhoneNumberId}/messages"), (call.Method, call.Path));
        Assert.Equal("Bearer " + AccessToken, call.Header("Authorization"));
        var json = call.Json;
        Assert.Equal("whatsapp", json.GetProperty("messaging_product").GetString());
        Assert.Equal("individual", json.GetProperty("recipient_type").GetString());
        Assert.Equal("254722000111", json.GetProperty("to").GetString());
        Assert.Equal("text", json.GetProperty("type").GetString());
        Assert.Equal("Habari Wanjiku! Your order 4411 is on its way.", json.GetProperty("text").GetProperty("body").GetString());
        Assert.False(json.GetProperty("text").GetProperty("preview_url").GetBoolean());
        Assert.Equal(request.MessageId.ToString("N"), json.GetProperty("biz_opaque_callback_data").GetString());
    }

    [Fact]
    public async Task A_template_message_names_the_template_its_language_and_its_body_parameters_in_order()
    {
        _meta.Answer = _ => Sent();

        await Provider().SubmitAsync(Request(new WhatsAppTemplate("order_update", "en_US", ["Wanjiku", "4411"]).ToBody()), default);

        var json = Assert.Single(_meta.Calls).Json;
        Assert.Equal("template", json.GetProperty("type").GetString());
        Assert.False(json.TryGetProperty("text", out _));
        var template = json.GetProperty("template");
        Assert.Equal("order_update", template.GetProperty("name").GetString());
        Assert.Equal("en_US", template.GetProperty("language").GetProperty("code").GetString());
        var component = Assert.Single(template.GetProperty("components").EnumerateArray());
        Assert.Equal("body", component.GetProperty("type").GetString());
        Assert.Equal(
            [("text", "Wanjiku"), ("text", "4411")],
            component.GetProperty("parameters").EnumerateArray().Select(p => (p.GetProperty("type").GetString(), p.GetProperty("text").GetString())).ToList());
    }

    [Fact]
    public async Task A_template_without_parameters_has_no_components()
    {
        _meta.Answer = _ => Sent();

        await Provider().SubmitAsync(Request(new WhatsAppTemplate("hello_world", "en_US", []).ToBody()), default);

        Assert.False(Assert.Single(_meta.Calls).Json.GetProperty("template").TryGetProperty("components", out _));
    }

    [Theory]
    [InlineData(131026, "Message undeliverable", "Unable to deliver message.")]
    [InlineData(131047, "Re-engagement message", "More than 24 hours have passed since the recipient last replied to the sender number.")]
    [InlineData(131050, "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business", "User opted out of marketing messages")]
    [InlineData(132001, "Template name does not exist in the translation", "template name (order_update) does not exist in en_US")]
    [InlineData(132000, "Number of parameters does not match the expected number of params", "body: number of localizable_params (1) does not match the expected number of params (2)")]
    [InlineData(100, "(#100) Invalid parameter", "Parameter to is invalid")]
    public async Task A_refusal_of_this_message_fails_it_with_the_code_as_its_error(long code, string message, string details)
    {
        _meta.Answer = _ => Error(400, code, message, details);

        var result = await Provider().SubmitAsync(Request(), default);

        Assert.Equal((SubmitOutcome.Failed, code.ToString()), (result.Outcome, result.ErrorCode));
        Assert.Contains(details.Length > 100 ? details[..100] : details, result.ErrorDetail);
        Assert.Equal(code == 131050, ChannelRules.OptOutFor(Channel.WhatsApp, result.ErrorCode) is not null);
    }

    [Theory]
    [InlineData(400, 130429, "Rate limit hit", "Cloud API message throughput has been reached.")]
    [InlineData(400, 80007, "Rate limit issues", "The WhatsApp Business Account has reached its rate limit.")]
    [InlineData(429, 4, "(#4) Application request limit reached", "Too many API calls")]
    public async Task A_throughput_limit_slows_the_lane_down(int status, long code, string message, string details)
    {
        _meta.Answer = _ => Error(status, code, message, details) with { RetryAfter = "12" };

        var e = await Assert.ThrowsAsync<ProviderThrottledException>(() => Provider().SubmitAsync(Request(), default));

        Assert.Equal(TimeSpan.FromSeconds(12), e.RetryAfter);
        Assert.Contains(code.ToString(), e.Message);
    }

    [Theory]
    [InlineData(131056, 6)]
    [InlineData(131048, 60)]
    public async Task A_limit_of_one_number_or_recipient_defers_that_message_only(long code, int seconds)
    {
        _meta.Answer = _ => Error(400, code, "(#131056) (Business Account, Consumer Account) pair rate limit hit", "Too many messages to this number.");

        var result = await Provider().SubmitAsync(Request(), default);

        Assert.Equal((SubmitOutcome.Deferred, code.ToString(), TimeSpan.FromSeconds(seconds)), (result.Outcome, result.ErrorCode, result.RetryAfter));
    }

    [Fact]
    public async Task Http_429_without_a_Graph_error_slows_down_too()
    {
        _meta.Answer = _ => new PeerAnswer(429, "Too Many Requests", "3");

        var e = await Assert.ThrowsAsync<ProviderThrottledException>(() => Provider().SubmitAsync(Request(), default));

        Assert.Equal(TimeSpan.FromSeconds(3), e.RetryAfter);
    }

    [Fact]
    public async Task An_expired_token_was_not_taken_and_names_the_setting()
    {
        _meta.Answer = _ => Error(401, 190, "Error validating access token: Session has expired on Tuesday, 01-Dec-26 09:00:00 PST.", "Access token has expired");

        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider().SubmitAsync(Request(), default));

        Assert.IsNotType<ProviderThrottledException>(e);
        Assert.Contains("Channels:WhatsApp:AccessToken", e.Message);
    }

    [Theory]
    [InlineData(503, null)]
    [InlineData(500, 131000L)]
    [InlineData(400, 131042L)]
    public async Task Unavailable_or_account_wide_error_was_not_taken(int status, long? code)
    {
        _meta.Answer = _ => code is { } c ? Error(status, c, "Something went wrong", "Message failed to send.") : new PeerAnswer(status, "<html>Service Unavailable</html>");

        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider().SubmitAsync(Request(), default));

        Assert.IsNotType<ProviderThrottledException>(e);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(504)]
    public async Task A_server_error_without_an_answer_may_have_come_after_the_message_was_taken(int status)
    {
        _meta.Answer = _ => new PeerAnswer(status, "<html>Gateway Timeout</html>");
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Provider().SubmitAsync(Request(), default));
        Assert.IsNotAssignableFrom<ProviderUnavailableException>(e);
    }

    [Fact]
    public async Task A_refused_connection_was_not_taken()
    {
        await Assert.ThrowsAsync<ProviderUnavailableException>(async () => await Provider(await LoopbackPeer.ClosedUrlAsync()).SubmitAsync(Request(), default));
    }

    [Fact]
    public async Task A_success_without_a_message_id_may_have_been_taken()
    {
        _meta.Answer = _ => new PeerAnswer(200, """{"messaging_product":"whatsapp","contacts":[]}""");

        var e = await Assert.ThrowsAnyAsync<Exception>(() => Provider().SubmitAsync(Request(), default));

        Assert.IsNotAssignableFrom<ProviderUnavailableException>(e);
    }

    [Fact]
    public async Task A_number_the_organisation_has_not_registered_fails_without_calling_Meta()
    {
        var result = await Provider().SubmitAsync(Request(sender: "254799000999"), default);

        Assert.Equal((SubmitOutcome.Failed, "unknown_origin"), (result.Outcome, result.ErrorCode));
        Assert.Empty(_meta.Calls);
    }

    [Fact]
    public async Task Without_an_access_token_nothing_is_sent()
    {
        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider(token: "").SubmitAsync(Request(), default));

        Assert.Contains("Channels:WhatsApp:AccessToken", e.Message);
        Assert.Empty(_meta.Calls);
    }

    [Theory]
    [InlineData(131056, "Deferred")]
    [InlineData(131048, "Deferred")]
    [InlineData(130429, "Throttled")]
    [InlineData(0, "Unavailable")]
    [InlineData(10, "Unavailable")]
    [InlineData(200, "Unavailable")]
    [InlineData(368, "Unavailable")]
    [InlineData(131031, "Unavailable")]
    [InlineData(131049, "Refused")]
    [InlineData(132015, "Refused")]
    [InlineData(133010, "Refused")]
    public void Codes_are_classified_as_Meta_documents_them(long code, string kind) =>
        Assert.Equal(kind, WhatsAppCloudProvider.Classify(code).ToString());

}
