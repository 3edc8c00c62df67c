using System.Net;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Providers;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Gateway;

/// <summary>
/// POST /callbacks/africastalking/{token}: the form Africa's Talking posts, through the durable inbox and the running
/// dispatcher to the message. The simulator sends (no failures) and owes its own reports for an hour, so only the
/// test's report settles the message.
/// </summary>
public sealed class AfricasTalkingCallbackTests : IDisposable
{
    private readonly TestApp _app = new(settings: new Dictionary<string, string>
    {
        ["SimulatedProvider:FailureRate"] = "0",
        ["SimulatedProvider:ReceiptDelayMs"] = "3600000",
        ["SimulatedProvider:SubmitLatencyMs"] = "1",
    });

    public void Dispose() => _app.Dispose();

    private string Path => "/callbacks/africastalking/" + _app.Service<SmsCallbacks>().Token(SmsCallbacks.AfricasTalkingPurpose);

    private static FormUrlEncodedContent Report(string id, string status, string networkCode = "63903") => new(new Dictionary<string, string>
    {
        ["id"] = id, ["status"] = status, ["phoneNumber"] = "+254712345678", ["networkCode"] = networkCode, ["failureReason"] = "", ["retryCount"] = "0",
    });

    /// <summary>A message the dispatcher sent (guessed Safaricom by its prefix), given the id Africa's Talking would have answered.</summary>
    private async Task<Guid> SentMessageAsync(string providerId)
    {
        var org = await _app.OrganisationIdAsync();
        await _app.Service<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = org, Message = "Karibu!", Numbers = ["254712345678"], Source = MessageSource.Api });
        await using var db = await _app.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var id = await db.Messages.Select(m => m.Id).SingleAsync();
        await TestApp.EventuallyAsync(async () => (await _app.MessageAsync(id)).Status == MessageStatus.Sent);
        await db.Messages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ProviderMessageId, providerId));
        return id;
    }

    [Fact]
    public async Task A_wrong_token_is_refused()
    {
        var response = await _app.CreateClient().PostAsync("/callbacks/africastalking/not-the-token", Report("ATXid_1", "Success"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await _app.InboxCountAsync());
    }

    [Theory]
    [InlineData("id=ATXid_1")]
    [InlineData("status=Success")]
    [InlineData("")]
    public async Task A_report_without_id_or_status_is_malformed(string form)
    {
        var response = await _app.CreateClient().PostAsync(Path, new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Intermediate_and_unknown_reports_are_answered_and_keep_nothing_they_cannot_use()
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(Path, Report("ATXid_1", "Buffered"))).StatusCode);
        Assert.Equal(0, await _app.InboxCountAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(Path, Report("ATXid_nobody", "Success"))).StatusCode);
    }

    [Fact]
    public async Task A_success_report_delivers_the_message_on_the_reported_network_and_twice_changes_nothing()
    {
        var id = await SentMessageAsync("ATXid_5a1b");
        Assert.Equal(Network.Safaricom, (await _app.MessageAsync(id)).Network);
        var client = _app.CreateClient();

        var first = await client.PostAsync(Path, Report("ATXid_5a1b", "Success", "63903"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await TestApp.EventuallyAsync(async () => (await _app.MessageAsync(id)).Status == MessageStatus.Delivered && await _app.InboxCountAsync() == 0);
        var delivered = await _app.MessageAsync(id);
        Assert.Equal(Network.Airtel, delivered.Network);
        Assert.NotNull(delivered.DeliveredAt);

        var again = await client.PostAsync(Path, Report("ATXid_5a1b", "Success", "63907"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await TestApp.EventuallyAsync(async () => await _app.InboxCountAsync() == 0);
        var after = await _app.MessageAsync(id);
        Assert.Equal((MessageStatus.Delivered, Network.Airtel, delivered.DeliveredAt, delivered.UpdatedAt, delivered.Cost),
            (after.Status, after.Network, after.DeliveredAt, after.UpdatedAt, after.Cost));
    }
}
