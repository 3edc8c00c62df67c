using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging.Abstractions;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Providers.AfricasTalking;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Providers;

/// <summary>
/// The provider against a loopback Kestrel that answers as Africa's Talking documents (version1/messaging and
/// version1/user), so the real HTTP, form encoding and headers are exercised.
/// </summary>
public sealed class AfricasTalkingSmsProviderTests : IAsyncLifetime
{
    private FakeAfricasTalking _at = null!;

    public async Task InitializeAsync() => _at = await FakeAfricasTalking.StartAsync();

    public async Task DisposeAsync() => await _at.DisposeAsync();

    private AfricasTalkingSmsProvider Provider(string? baseUrl = null) =>
        new(new AfricasTalkingOptions { BaseUrl = baseUrl ?? _at.Url, Username = "acme", ApiKey = "at-key-123", Enqueue = true, TimeoutSeconds = 5 },
            new Factory(), NullLogger<AfricasTalkingSmsProvider>.Instance);

    private static readonly SubmitRequest Request = new(Guid.NewGuid(), "254711222333", "ACMEKE", "Karibu! Your OTP is 1234.", 1);

    private static string Recipient(int code, string status, string messageId = "None", string cost = "0") =>
        $$$"""{"SMSMessageData":{"Message":"Sent to 0/1 Total Cost: 0","Recipients":[{"statusCode":{{{code}}},"number":"+254711222333","status":"{{{status}}}","cost":"{{{cost}}}","messageId":"{{{messageId}}}"}]}}""";

    [Fact]
    public async Task An_accepted_message_carries_its_messageId_and_the_documented_fields_and_headers()
    {
        _at.Answer = _ => (201, Recipient(101, "Success", "ATXid_5a1b", "KES 0.8000"), null);

        var result = await Provider().SubmitAsync(Request, default);

        Assert.Equal(new SubmitResult(SubmitOutcome.Accepted, "ATXid_5a1b"), result);
        var call = Assert.Single(_at.Calls);
        Assert.Equal(("POST", "/version1/messaging"), (call.Method, call.Path));
        Assert.Equal("at-key-123", call.ApiKey);
        Assert.Equal("application/json", call.Accept);
        Assert.Equal("acme", call.Form["username"]);
        Assert.Equal("+254711222333", call.Form["to"]);
        Assert.Equal("Karibu! Your OTP is 1234.", call.Form["message"]);
        Assert.Equal("ACMEKE", call.Form["from"]);
        Assert.Equal("1", call.Form["bulkSMSMode"]);
        Assert.Equal("1", call.Form["enqueue"]);
    }

    [Theory]
    [InlineData(100, "Processed")]
    [InlineData(102, "Queued")]
    public async Task Processed_and_queued_are_taken(int code, string status)
    {
        _at.Answer = _ => (201, Recipient(code, status, "ATXid_q"), null);
        Assert.Equal(SubmitOutcome.Accepted, (await Provider().SubmitAsync(Request, default)).Outcome);
    }

    [Theory]
    [InlineData(403, "InvalidPhoneNumber", "invalid_phone_number")]
    [InlineData(402, "InvalidSenderId", "invalid_sender_id")]
    [InlineData(406, "UserInBlacklist", "user_in_blacklist")]
    [InlineData(409, "DoNotDisturbRejection", "do_not_disturb_rejection")]
    public async Task A_refused_recipient_fails_the_message(int code, string status, string errorCode)
    {
        _at.Answer = _ => (201, Recipient(code, status), null);

        var result = await Provider().SubmitAsync(Request, default);

        Assert.Equal((SubmitOutcome.Failed, errorCode), (result.Outcome, result.ErrorCode));
        Assert.Contains(status == "InvalidPhoneNumber" ? "invalid phone number" : "(" + code + ")", result.ErrorDetail);
    }

    [Fact]
    public async Task Insufficient_balance_holds_the_message()
    {
        _at.Answer = _ => (201, Recipient(405, "InsufficientBalance"), null);
        Assert.Equal(SubmitOutcome.NoCredit, (await Provider().SubmitAsync(Request, default)).Outcome);
    }

    [Fact]
    public async Task No_recipient_with_a_reason_fails_the_message()
    {
        _at.Answer = _ => (201, """{"SMSMessageData":{"Message":"InvalidSenderId","Recipients":[]}}""", null);

        var result = await Provider().SubmitAsync(Request, default);

        Assert.Equal((SubmitOutcome.Failed, "invalid_sender_id"), (result.Outcome, result.ErrorCode));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    public async Task A_recipient_that_AT_failed_itself_was_not_taken(int code)
    {
        _at.Answer = _ => (201, Recipient(code, "InternalServerError"), null);
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider().SubmitAsync(Request, default));
    }

    [Fact]
    public async Task Http_500_was_not_taken()
    {
        _at.Answer = _ => (500, "Internal Server Error", null);
        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider().SubmitAsync(Request, default));
        Assert.IsNotType<ProviderThrottledException>(e);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_wrong_api_key_names_where_to_fix_it(int status)
    {
        _at.Answer = _ => (status, "The supplied authentication is invalid", null);
        var e = await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider().SubmitAsync(Request, default));
        Assert.Contains("Admin › SMS gateway", e.Message);
    }

    [Fact]
    public async Task Http_429_honours_Retry_After()
    {
        _at.Answer = _ => (429, "Too Many Requests", "7");
        var e = await Assert.ThrowsAsync<ProviderThrottledException>(() => Provider().SubmitAsync(Request, default));
        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
    }

    [Fact]
    public async Task A_refused_connection_was_not_taken()
    {
        var closed = _at.Url;
        await _at.DisposeAsync();
        await Assert.ThrowsAsync<ProviderUnavailableException>(() => Provider(closed).SubmitAsync(Request, default));
        _at = await FakeAfricasTalking.StartAsync();
    }

    [Fact]
    public async Task A_broken_answer_may_have_been_taken()
    {
        _at.Answer = _ => (201, "<html>gateway</html>", null);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Provider().SubmitAsync(Request, default));
        Assert.IsNotAssignableFrom<ProviderUnavailableException>(e);
    }

    [Theory]
    [InlineData("KES 1234.50", true)]
    [InlineData("KES 0.0000", false)]
    [InlineData("KES -3.2000", false)]
    public async Task Credit_is_a_balance_above_zero(string balance, bool expected)
    {
        _at.Answer = _ => (200, $$$"""{"UserData":{"balance":"{{{balance}}}"}}""", null);

        Assert.Equal(expected, await Provider().HasCreditAsync(default));
        var call = Assert.Single(_at.Calls);
        Assert.Equal(("GET", "/version1/user", "acme", "at-key-123"), (call.Method, call.Path, call.Query["username"].ToString(), call.ApiKey));
    }

    [Fact]
    public async Task No_credit_when_the_balance_cannot_be_read()
    {
        _at.Answer = _ => (500, "oops", null);
        Assert.False(await Provider().HasCreditAsync(default));
    }

    [Theory]
    [InlineData("Success", true, null)]
    [InlineData("Failed", false, "absent_subscriber")]
    [InlineData("Rejected", false, "absent_subscriber")]
    public void Final_reports_become_receipts(string status, bool delivered, string? code)
    {
        var now = new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);
        var receipt = AfricasTalkingReports.Read("ATXid_1", status, "63903", delivered ? null : "AbsentSubscriber", now);
        Assert.Equal(new DeliveryReceipt("ATXid_1", delivered, code, now, null, Network.Airtel), receipt);
    }

    [Theory]
    [InlineData("Sent")]
    [InlineData("Submitted")]
    [InlineData("Buffered")]
    public void Intermediate_reports_change_nothing(string status) =>
        Assert.Null(AfricasTalkingReports.Read("ATXid_1", status, "63902", null, DateTime.UtcNow));

    [Theory]
    [InlineData(null, "Success")]
    [InlineData("ATXid_1", null)]
    [InlineData(" ", "Success")]
    public void A_report_without_id_or_status_is_malformed(string? id, string? status) =>
        Assert.Throws<FormatException>(() => AfricasTalkingReports.Read(id, status, null, null, DateTime.UtcNow));

    [Fact]
    public void A_failure_without_reason_has_a_code() =>
        Assert.Equal("undelivered", AfricasTalkingReports.Read("x", "Failed", null, null, DateTime.UtcNow)!.ErrorCode);

    [Theory]
    [InlineData("63902", Network.Safaricom)]
    [InlineData("63903", Network.Airtel)]
    [InlineData("63905", Network.Airtel)]
    [InlineData("63907", Network.Telkom)]
    [InlineData("64110", null)]
    [InlineData(null, null)]
    public void Network_codes_name_Kenyan_networks(string? code, Network? expected) =>
        Assert.Equal(expected, AfricasTalkingReports.NetworkOf(code));

    private sealed class Factory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}

/// <summary>One request the fake Africa's Talking received.</summary>
public sealed record AtCall(string Method, string Path, IQueryCollection Query, IFormCollection Form, string ApiKey, string Accept);

/// <summary>A <see cref="LoopbackPeer"/> that reads its requests as Africa's Talking's forms.</summary>
public sealed class FakeAfricasTalking : IAsyncDisposable
{
    private readonly LoopbackPeer _peer;

    public string Url => _peer.Url;

    /// <summary>Status, body (JSON) and an optional Retry-After for each request.</summary>
    public Func<AtCall, (int Status, string Body, string? RetryAfter)> Answer { get; set; } = _ => (500, "not set", null);

    public IReadOnlyList<AtCall> Calls => [.. _peer.Calls.Select(Read)];

    private FakeAfricasTalking(LoopbackPeer peer)
    {
        _peer = peer;
        peer.Answer = call =>
        {
            var (status, body, retryAfter) = Answer(Read(call));
            return new PeerAnswer(status, body, retryAfter);
        };
    }

    public static async Task<FakeAfricasTalking> StartAsync() => new(await LoopbackPeer.StartAsync());

    private static AtCall Read(PeerCall call)
    {
        var form = call.Header("Content-Type").StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal)
            ? new FormCollection(QueryHelpers.ParseQuery(call.Body))
            : FormCollection.Empty;
        return new AtCall(call.Method, call.Path, new QueryCollection(QueryHelpers.ParseQuery(call.Query)), form, call.Header("apiKey"), call.Header("Accept"));
    }

    public ValueTask DisposeAsync() => _peer.DisposeAsync();
}
