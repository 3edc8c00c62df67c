using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.Telegram;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Channels.Telegram;

/// <summary>
/// The Bot API provider against a loopback peer answering as Telegram documents sendMessage: <c>{"ok": true, "result":
/// Message}</c>, or <c>{"ok": false, "error_code", "description", "parameters"}</c>. The bot's token is its origin's.
/// </summary>
public sealed class TelegramBotProviderTests : IAsyncLifetime
{
    private const string Bot = "@AcmeKenyaBot";
    private const string Token = ChannelTestKit.BotToken;

    private TestServices _services = null!;
    private LoopbackPeer _telegram = null!;
    private Guid _organisation;

    public async Task InitializeAsync()
    {
        _services = await TestServices.StartAsync();
        _organisation = await _services.CreateOrganisationAsync();
        await ChannelTestKit.OriginAsync(_services, _organisation, Channel.Telegram, Bot);
        _telegram = await LoopbackPeer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _telegram.DisposeAsync();
        await _services.DisposeAsync();
    }

    private TelegramBotProvider Provider(string? baseUrl = null) =>
        new(new TelegramOptions { Provider = TelegramOptions.BotApi, BaseUrl = baseUrl ?? _telegram.Url, TimeoutSeconds = 5 },
            _services.Get<OriginSecrets>(), _services.Get<IHttpClientFactory>());

    private SubmitRequest Request(string chat = "123456789", string sender = Bot) =>
        new(Guid.NewGuid(), chat, sender, "Habari Wanjiku! Your order 4411 is on its way.", 1, Channel.Telegram, OrganisationId: _organisation);

    private static PeerAnswer Sent(long messageId, string chat = "123456789") => new(200,
        $$$"""{"ok":true,"result":{"message_id":{{{messageId}}},"from":{"id":123456789,"is_bot":true,"first_name":"Acme Kenya","username":"AcmeKenyaBot"},"chat":{"id":{{{chat}}},"first_name":"Wanjiku","type":"private"},"date":1764662400,"text":"Habari"}}""");

    private static PeerAnswer Error(int code, string description, string? parameters = null) => new(code,
        $$"""{"ok":false,"error_code":{{code}},"description":"{{description}}"{{(parameters is null ? "" : ",\"parameters\":" + parameters)}}}""");

    [Fact]
    public async Task An_accepted_message_posts_the_chat_and_text_with_the_bots_token_and_is_named_by_chat_and_message_id()
    {
        _telegram.Answer = _ => Sent(4242);

        var result = await Provider().SubmitAsync(Request(), default);

        Assert.Equal(new SubmitResult(SubmitOutcome.Accepted, "123456789:4242"), result);
        var call = Assert.Single(_telegram.Calls);
        Assert.Equal(("POST", $"/bot{Token}/sendMessage"), (call.Method, call.Path));
        Assert.StartsWith("application/json", call.Header("Content-Type"));
        Assert.Equal(123456789, call.Json.GetProperty("chat_id").GetInt64());
        Assert.Equal("Habari Wanjiku! Your order 4411 is on its way.", call.Json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_groups_chat_id_goes_as_its_negative_number()
    {
        _telegram.Answer = _ => Sent(7, "-1001234567890");

        var result = await Provider().SubmitAsync(Request("-1001234567890"), default);

        Assert.Equal("-1001234567890:7", result.ProviderMessageId);
        Assert.Equal(-1001234567890, Assert.Single(_telegram.Calls).Json.GetProperty("chat_id").GetInt64());
    }

    [Fact]
    public async Task A_person_who_blocked_the_bot_fails_the_message_with_the_code_that_opts_them_out_of_Telegram()
    {
        _telegram.Answer = _ => Error(403, "Forbidden: bot was blocked by the user");

        var result = await Provider().SubmitAsync(Request(), default);

        Assert.Equal((SubmitOutcome.Failed, ChannelRules.TelegramBlocked), (result.Outcome, result.ErrorCode));
        Assert.Contains("bot was blocked by the user", result.ErrorDetail);
        Assert.Equal(Core.AddressBooks.OptOutReason.BotBlocked, ChannelRules.OptOutFor(Channel.Telegram, result.ErrorCode));
    }

    [Theory]
    [InlineData(400, "Bad Request: chat not found", "chat_not_found")]
    [InlineData(403, "Forbidden: bot can't initiate conversation with a user", "chat_not_started")]
    [InlineData(403, "Forbidden: user is deactivated", "user_deactivated")]
    [InlineData(400, "Bad Request: message is too long", "message_too_long")]
    [InlineData(400, "Bad Request: message text is empty", "bad_request")]
    [InlineData(403, "Forbidden: something new", "forbidden")]
    public async Task Other_refusals_fail_the_message_and_opt_nobody_out(int status, string description, string code)
    {
        _telegram.Answer = _ => Error(status, description);

        var result = await Provider().SubmitAsync(Request(), default);

        Assert.Equal((SubmitOutcome.Failed, code), (result.Outcome, result.ErrorCode));
        Assert.Equal($"Telegram refused the message: {description}", result.ErrorDetail);
        Assert.Null(ChannelRules.OptOutFor(Channel.Telegram, result.ErrorCode));
    }

    [Fact]
    public async Task Too_many_requests_waits_for_parameters_retry_after()
    {
        _telegram.Answer = _ => Error(429, "Too Many Requests: retry after 35", """{"retry_after":35}""");

        var e = await Assert.ThrowsAsync<ProviderThrottledException>(() => Provider().SubmitAsync(Request(), default));

        Assert.Equal(TimeSpan.FromSeconds(35), e.RetryAfter);
    }

    [Theory]
    [InlineData(401, "Unauthorized")]
    [InlineData(404, "Not Found")]
    public async Task A_token_Telegram_does_not_know_refuses_that_bots_message_only_and_the_error_does_not_show_it(int status, string description)
    {
        _telegram.Answer = _ => Error(status, description);

        var result = await Provider().SubmitAsync(Request(), default);

        Assert.Equal((SubmitOutcome.Failed, TelegramBotProvider.BotTokenRejected), (result.Outcome, result.ErrorCode));
        Assert.Contains(Bot, result.ErrorDetail);
        Assert.DoesNotContain(Token, result.ErrorDetail);
    }

    [Fact]
    public async Task Service_unavailable_was_not_taken()
    {
        _telegram.Answer = _ => new PeerAnswer(503, "<html><body>Service Unavailable</body></html>");
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider().SubmitAsync(Request(), default));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Another_server_error_may_have_come_after_the_message_was_taken(int status)
    {
        _telegram.Answer = _ => new PeerAnswer(status, "<html><body>Bad Gateway</body></html>");
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Provider().SubmitAsync(Request(), default));
        Assert.IsNotAssignableFrom<ProviderUnavailableException>(e);
    }

    [Fact]
    public async Task A_refused_connection_was_not_taken_and_the_error_does_not_show_the_token()
    {
        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(async () => await Provider(await LoopbackPeer.ClosedUrlAsync()).SubmitAsync(Request(), default));
        Assert.DoesNotContain(Token, e.ToString());
    }

    [Fact]
    public async Task An_answer_that_cannot_be_read_may_have_been_taken()
    {
        _telegram.Answer = _ => new PeerAnswer(200, "<html>proxy</html>");

        var e = await Assert.ThrowsAnyAsync<Exception>(() => Provider().SubmitAsync(Request(), default));

        Assert.IsNotAssignableFrom<ProviderUnavailableException>(e);
    }

    [Fact]
    public async Task A_bot_the_organisation_has_not_registered_fails_without_calling_Telegram()
    {
        var result = await Provider().SubmitAsync(Request(sender: "@SomebodyElsesBot"), default);

        Assert.Equal((SubmitOutcome.Failed, "unknown_origin"), (result.Outcome, result.ErrorCode));
        Assert.Empty(_telegram.Calls);
    }

    [Fact]
    public async Task Another_organisations_bot_of_the_same_name_is_not_used()
    {
        var other = await _services.CreateOrganisationAsync("Baraka Traders", sender: "BARAKA");

        var result = await Provider().SubmitAsync(Request() with { OrganisationId = other }, default);

        Assert.Equal("unknown_origin", result.ErrorCode);
        Assert.Empty(_telegram.Calls);
    }
}
