using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.Slack;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Channels.Slack;

/// <summary>
/// The Web API provider against a loopback peer answering as Slack documents chat.postMessage: 200 with
/// <c>{"ok": true, "channel", "ts", "message"}</c> or <c>{"ok": false, "error"}</c>, and 429 with <c>Retry-After</c>.
/// </summary>
public sealed class SlackWebApiProviderTests : IAsyncLifetime
{
    private const string BotToken = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

    private LoopbackPeer _slack = null!;
    private ServiceProvider _http = null!;

    public async Task InitializeAsync()
    {
        _slack = await LoopbackPeer.StartAsync();
        _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _http.DisposeAsync();
    }

    private SlackWebApiProvider Provider(string? baseUrl = null, string? token = BotToken, int timeoutSeconds = 5) =>
        new(new SlackOptions { Provider = SlackOptions.WebApi, BaseUrl = baseUrl ?? _slack.Url + "/api", BotToken = token, TimeoutSeconds = timeoutSeconds },
            _http.GetRequiredService<IHttpClientFactory>());

    private static SubmitRequest Request(string body = "Habari! The staff meeting moves to 3 pm.") =>
        new(Guid.NewGuid(), "U024BE7LH", "", body, 1, Channel.Slack, OrganisationId: Guid.NewGuid());

    private static PeerAnswer Posted(string channel = "D024BE91L", string ts = "1503435956.000247") => new(200,
        $$$"""{"ok":true,"channel":"{{{channel}}}","ts":"{{{ts}}}","message":{"type":"message","subtype":"bot_message","text":"Habari!","ts":"{{{ts}}}","username":"Acme Kenya","bot_id":"B123ABC456"}}""");

    private static PeerAnswer Refused(string error, int status = 200) => new(status, $$$"""{"ok":false,"error":"{{{error}}}"}""");

    [Fact]
    public async Task A_posted_message_carries_the_bearer_token_the_member_and_the_text_and_is_named_by_conversation_and_ts()
    {
        _slack.Answer = _ => Posted();

        var result = await Provider().SubmitAsync(Request(), default);

        Assert.Equal(new SubmitResult(SubmitOutcome.Accepted, "D024BE91L:1503435956.000247"), result);
        var call = Assert.Single(_slack.Calls);
        Assert.Equal(("POST", "/api/chat.postMessage"), (call.Method, call.Path));
        Assert.Equal("Bearer " + BotToken, call.Header("Authorization"));
        Assert.Equal("application/json; charset=utf-8", call.Header("Content-Type"));
        Assert.Equal("U024BE7LH", call.Json.GetProperty("channel").GetString());
        Assert.Equal("Habari! The staff meeting moves to 3 pm.", call.Json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_three_characters_Slack_reads_as_markup_are_escaped_and_nothing_else()
    {
        _slack.Answer = _ => Posted();

        await Provider().SubmitAsync(Request("Tom & Jerry <3 > *bold* \"quoted\""), default);

        Assert.Equal("Tom &amp; Jerry &lt;3 &gt; *bold* \"quoted\"", Assert.Single(_slack.Calls).Json.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("user_not_found")]
    [InlineData("is_archived")]
    [InlineData("msg_too_long")]
    [InlineData("not_in_channel")]
    public async Task A_refusal_of_this_message_fails_it_with_Slacks_error(string error)
    {
        _slack.Answer = _ => Refused(error);

        var result = await Provider().SubmitAsync(Request(), default);

        Assert.Equal((SubmitOutcome.Failed, error), (result.Outcome, result.ErrorCode));
        Assert.Equal($"Slack refused the message: {error.Replace('_', ' ')}.", result.ErrorDetail);
    }

    [Theory]
    [InlineData("invalid_auth")]
    [InlineData("not_authed")]
    [InlineData("account_inactive")]
    [InlineData("token_revoked")]
    [InlineData("missing_scope")]
    public async Task A_token_or_workspace_problem_was_not_taken_and_names_the_setting(string error)
    {
        _slack.Answer = _ => Refused(error);

        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider().SubmitAsync(Request(), default));

        Assert.IsNotType<ProviderThrottledException>(e);
        Assert.Contains(error, e.Message);
        Assert.Contains("Channels:Slack:BotToken", e.Message);
    }

    [Fact]
    public async Task Http_429_waits_for_Retry_After()
    {
        _slack.Answer = _ => new PeerAnswer(429, """{"ok":false,"error":"ratelimited"}""", "30");

        var e = await Assert.ThrowsAsync<ProviderThrottledException>(() => Provider().SubmitAsync(Request(), default));

        Assert.Equal(TimeSpan.FromSeconds(30), e.RetryAfter);
    }

    [Fact]
    public async Task Service_unavailable_was_not_taken()
    {
        _slack.Answer = _ => new PeerAnswer(503, "<html>upstream connect error</html>");

        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider().SubmitAsync(Request(), default));

        Assert.IsNotType<ProviderThrottledException>(e);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    public async Task Another_server_error_may_have_come_after_the_message_was_taken(int status)
    {
        _slack.Answer = _ => new PeerAnswer(status, "<html>upstream connect error</html>");
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Provider().SubmitAsync(Request(), default));
        Assert.IsNotAssignableFrom<ProviderUnavailableException>(e);
    }

    [Theory]
    [InlineData("internal_error")]
    [InlineData("fatal_error")]
    public async Task An_error_after_which_the_message_may_have_been_posted_is_no_refusal_and_no_outage(string error)
    {
        _slack.Answer = _ => Refused(error);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => Provider().SubmitAsync(Request(), default));

        Assert.IsNotAssignableFrom<ProviderUnavailableException>(e);
    }

    [Fact]
    public async Task A_refused_connection_was_not_taken()
    {
        await Assert.ThrowsAsync<ProviderUnavailableException>(async () => await Provider(await LoopbackPeer.ClosedUrlAsync()).SubmitAsync(Request(), default));
    }

    [Fact]
    public async Task An_answer_that_does_not_come_in_time_may_have_been_taken()
    {
        var release = new TaskCompletionSource();
        _slack.BeforeAnswer = abort => release.Task.WaitAsync(abort);
        try
        {
            await Assert.ThrowsAsync<TimeoutException>(() => Provider(timeoutSeconds: 1).SubmitAsync(Request(), default));
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Without_a_bot_token_nothing_is_sent()
    {
        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider(token: null).SubmitAsync(Request(), default));

        Assert.Contains("Channels:Slack:BotToken", e.Message);
        Assert.Empty(_slack.Calls);
    }
}
