using System.Text.Json;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Webhooks;

/// <summary>The webhook's <c>data</c> is the message exactly as <c>GET /v1/bulk-sms/messages/</c> shows it, in the real app.</summary>
public sealed class WebhookPayloadApiTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _app = new TestApp(settings: new Dictionary<string, string>
        {
            ["Webhooks:AllowPrivateTargets"] = "true",
            ["Webhooks:IdleDelayMs"] = "50",
            ["SimulatedProvider:SubmitLatencyMs"] = "0",
            ["SimulatedProvider:ReceiptDelayMs"] = "0",
            ["SimulatedProvider:FailureRate"] = "0",
            ["SimulatedProvider:NonDeliveryRate"] = "1", // every message ends undelivered: its event carries the error too
        });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task The_final_events_data_has_the_apis_fields_and_values_for_the_same_message_plus_ours()
    {
        var org = await _app.OrganisationIdAsync();
        await _app.Service<WebhookService>().CreateAsync(org, _receiver.Url, null, WebhookEvents.All, null);
        var client = await _app.ApiClientAsync(org);
        var (sentStatus, sent) = await TestApp.SendAsync(client, HttpMethod.Post, "/v1/sms/send-bulk/",
            """{"recipients": ["0712345678"], "message": "Karibu, Wanjiku! Your order is ready."}""");
        Assert.True((int)sentStatus is >= 200 and < 300, sent.ToString());

        for (var i = 0; i < 1000 && !_receiver.Calls.Any(c => c.Event == "sms.undelivered"); i++)
            await Task.Delay(10);
        var call = Assert.Single(_receiver.Calls, c => c.Event == "sms.undelivered");
        var (status, list) = await TestApp.SendAsync(client, HttpMethod.Get, "/v1/bulk-sms/messages/");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);

        var api = Assert.Single(list.GetProperty("results").EnumerateArray());
        var data = call.Json.GetProperty("data");
        var ours = new[] { "campaign_id", "error_code", "error_detail" };
        Assert.Equal(api.EnumerateObject().Select(p => p.Name), data.EnumerateObject().Select(p => p.Name).Except(ours));
        Assert.All(api.EnumerateObject(), field => Assert.True(JsonElement.DeepEquals(field.Value, data.GetProperty(field.Name)),
            $"{field.Name}: the API says {field.Value.GetRawText()}, the webhook {data.GetProperty(field.Name).GetRawText()}"));
        Assert.Equal("undelivered", data.GetProperty("status").GetString());
        Assert.Equal(sent.GetProperty("campaign_id").GetString(), data.GetProperty("campaign_id").GetString());
        Assert.Equal("undeliverable", data.GetProperty("error_code").GetString());
        Assert.Equal(call.Json.GetProperty("timestamp").GetString(), data.GetProperty("updated_at").GetString());
    }
}
