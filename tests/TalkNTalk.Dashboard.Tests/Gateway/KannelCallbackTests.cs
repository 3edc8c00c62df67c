using System.Net;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Providers;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Gateway;

/// <summary>Kannel's delivery-report callback, as Kannel calls it, and as someone who should not calls it.</summary>
public sealed class KannelCallbackTests : IAsyncLifetime
{
    // The simulator's own reports come much later, so only the callbacks here settle the message.
    private readonly TestApp _app = new(settings: new Dictionary<string, string>
    {
        ["SimulatedProvider:ReceiptDelayMs"] = "600000", ["SimulatedProvider:SubmitLatencyMs"] = "0", ["SimulatedProvider:FailureRate"] = "0",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_delivered_report_settles_its_message_once_and_an_intermediate_one_changes_nothing()
    {
        var id = await SentMessageAsync();
        using var http = _app.CreateClient();
        var url = _app.Service<SmsCallbacks>().KannelReportUrl(id).Replace(_app.Service<SmsCallbacks>().BaseUrl, "", StringComparison.Ordinal);

        var accepted = await http.GetAsync(url + "?type=8&at=1764662400&answer=ACK%2F");
        Assert.Equal((HttpStatusCode.OK, "Ignored: not a final report.\n"), (accepted.StatusCode, await accepted.Content.ReadAsStringAsync()));
        var delivered = await http.GetAsync(url + "?type=1&at=1764662401&answer=");
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        await WaitForAsync(id, MessageStatus.Delivered);
        var again = await http.GetAsync(url + "?type=2&at=1764662402&answer=NACK");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // smsbox must not retry it

        await _app.Service<TalkNTalk.Core.Dispatch.Dispatcher>().RunOnceAsync();
        await using var db = await _app.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var message = await db.Messages.SingleAsync(m => m.Id == id);
        Assert.Equal(MessageStatus.Delivered, message.Status); // a later report cannot undo it
        Assert.Equal(0, await db.DeliveryInbox.CountAsync());
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_a_malformed_report_is_a_clear_400()
    {
        var id = await SentMessageAsync();
        using var http = _app.CreateClient();
        var links = _app.Service<SmsCallbacks>();
        var url = links.KannelReportUrl(id).Replace(links.BaseUrl, "", StringComparison.Ordinal);
        var otherToken = links.Token(SmsCallbacks.KannelPurpose(Guid.NewGuid()));

        var forged = await http.GetAsync($"/callbacks/kannel/{id:N}/{otherToken}?type=1");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var garbled = await http.GetAsync($"/callbacks/kannel/not-an-id/{otherToken}?type=1");
        Assert.Equal(HttpStatusCode.Forbidden, garbled.StatusCode);
        var noType = await http.GetAsync(url);
        Assert.Equal((HttpStatusCode.BadRequest, "The report's type (%d) is missing or not a number.\n"), (noType.StatusCode, await noType.Content.ReadAsStringAsync()));
        var badType = await http.GetAsync(url + "?type=delivered");
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);

        await using var db = await _app.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        Assert.Equal(MessageStatus.Sent, (await db.Messages.SingleAsync(m => m.Id == id)).Status);
        Assert.Equal(0, await db.DeliveryInbox.CountAsync());
    }

    private async Task<Guid> SentMessageAsync()
    {
        var organisation = await _app.OrganisationIdAsync();
        var sent = await _app.Service<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = organisation, Message = "Your statement is ready.", Numbers = ["0712345678"] });
        await using var db = await _app.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var id = await db.Messages.Where(m => m.CampaignId == sent.CampaignId).Select(m => m.Id).SingleAsync();
        await WaitForAsync(id, MessageStatus.Sent);
        return id;
    }

    private async Task WaitForAsync(Guid id, MessageStatus status)
    {
        for (var i = 0; i < 200; i++)
        {
            await using var db = await _app.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
            if (await db.Messages.AnyAsync(m => m.Id == id && m.Status == status))
                return;
            await Task.Delay(50);
        }
        Assert.Fail($"The message did not become {status}.");
    }
}
