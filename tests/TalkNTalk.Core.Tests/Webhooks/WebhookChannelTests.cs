using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Tests.Dispatch;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>Webhooks on every channel: one catalogue of events and bits, the trigger that follows it, ids that name the channel, and the payload.</summary>
public sealed class WebhookChannelTests
{
    [Fact]
    public void Every_channel_has_five_events_shifted_five_bits_a_channel_and_sms_keeps_its_names_and_bits()
    {
        var catalogue = WebhookEventNames.Catalogue;
        Assert.Equal(25, catalogue.Count);
        Assert.Equal(["sms.sent", "sms.delivered", "sms.failed", "sms.undelivered", "sms.cancelled"], catalogue.Take(5).Select(e => e.Name));
        Assert.Equal([1, 2, 4, 8, 16], catalogue.Take(5).Select(e => (int)e.Bit));
        // The layout migration Origins' trigger computes: bit << (5 × channel index), channels in Channel's order.
        foreach (var e in catalogue)
        {
            Assert.Equal($"{e.Channel.ToApiName()}.{e.Word}", e.Name);
            Assert.Equal((int)e.Kind << (5 * ChannelNames.All.ToList().IndexOf(e.Channel)), (int)e.Bit);
            Assert.True(WebhookEventNames.TryParse(e.Name, out var parsed));
            Assert.Equal(e, parsed);
            Assert.Equal(e.Name, WebhookEventNames.NameOf(e.Channel, e.Kind));
        }
        Assert.Equal(65536, (int)WebhookEventNames.Catalogue.Single(e => e.Name == "email.delivered").Bit);
        Assert.Equal(25, catalogue.Select(e => e.Bit).Distinct().Count());
        Assert.Equal((1 << 25) - 1, (int)WebhookEventNames.EveryChannel);
        Assert.Equal(31, (int)WebhookEvents.All); // what it meant before channels: every SMS event
        Assert.Equal(catalogue.Select(e => e.Name), WebhookEventNames.Of(WebhookEventNames.EveryChannel));
        Assert.False(WebhookEventNames.TryParse(WebhookEventNames.Test, out _));
        Assert.False(WebhookEventNames.TryParse("Email.delivered", out _));

        var emailBounces = (WebhookEvents.Delivered | WebhookEvents.Undelivered).On(Channel.Email);
        Assert.Equal(WebhookEvents.Delivered | WebhookEvents.Undelivered, emailBounces.KindsOn(Channel.Email));
        Assert.Equal(WebhookEvents.None, emailBounces.KindsOn(Channel.Sms));
        Assert.Equal("sms.* whatsapp.* telegram.* email.* slack.*", WebhookEventNames.Summary(WebhookEventNames.EveryChannel));
        Assert.Equal("sms.sent email.delivered email.undelivered", WebhookEventNames.Summary(WebhookEvents.Sent | emailBounces));
        Assert.True(WebhookEventNames.CarriesError("whatsapp.failed") && WebhookEventNames.CarriesError("email.undelivered"));
        Assert.False(WebhookEventNames.CarriesError("email.delivered") || WebhookEventNames.CarriesError(WebhookEventNames.Test));
    }

    [Fact]
    public void Event_ids_keep_smss_form_name_the_channel_on_the_others_and_read_back_to_their_event()
    {
        var message = Guid.Parse("019ab3c4-d5e6-7f80-91a2-b3c4d5e6f708");
        const string Hex = "019ab3c4d5e67f8091a2b3c4d5e6f708";

        // The ids SMS receivers de-duplicate on are the ones they always had.
        Assert.Equal($"evt_{Hex}_undelivered", WebhookDelivery.EventIdOf("sms.undelivered", message, 7));
        Assert.Equal($"evt_{Hex}_email_undelivered", WebhookDelivery.EventIdOf("email.undelivered", message, 7));
        Assert.Equal($"evt_{Hex}_whatsapp_delivered", WebhookDelivery.EventIdOf("whatsapp.delivered", message, 7));
        Assert.Equal("evt_test_7", WebhookDelivery.EventIdOf(WebhookEventNames.Test, null, 7));

        var ids = WebhookEventNames.Catalogue.Select(e => WebhookDelivery.EventIdOf(e.Name, message, 1)).ToList();
        Assert.Equal(25, ids.Distinct().Count());
        foreach (var e in WebhookEventNames.Catalogue)
        {
            var id = WebhookDelivery.EventIdOf(e.Name, message, 1);
            Assert.True(WebhookDelivery.TryParseEventId($"  {id} ", out var parsedMessage, out var parsedType, out var deliveryId), id);
            Assert.Equal((message, e.Name, 0L), (parsedMessage, parsedType, deliveryId));
        }
        Assert.True(WebhookDelivery.TryParseEventId("evt_test_42", out _, out _, out var test));
        Assert.Equal(42, test);

        // Not ours: SMS named as a channel, an unknown channel or event, a channel in capitals, a bad message id, extra parts.
        foreach (var text in new[] { $"evt_{Hex}_sms_sent", $"evt_{Hex}_fax_sent", $"evt_{Hex}_email_bounced", $"evt_{Hex}_EMAIL_sent", $"evt_{Hex}_bounced",
                     "evt_not-a-guid_sent", $"evt_{Hex}_email_sent_again", $"{Hex}_email_sent", "evt_test_x" })
            Assert.False(WebhookDelivery.TryParseEventId(text, out _, out _, out _), text);
    }

    [Fact]
    public async Task The_trigger_names_each_channels_events_and_queues_them_only_for_endpoints_with_their_bit()
    {
        await using var services = await TestServices.StartAsync(new(WebhookScenario.Settings));
        var org = await services.CreateOrganisationAsync(credit: 1000m);
        var webhooks = services.Get<WebhookService>();
        var exact = (await webhooks.CreateAsync(org, "https://127.0.0.1:9/exact", null, WebhookEvents.Sent, null)).Endpoint.Id;
        var others = (await webhooks.CreateAsync(org, "https://127.0.0.1:9/others", null, WebhookEvents.Sent, null)).Endpoint.Id;
        var addresses = new Dictionary<Channel, string[]>
        {
            [Channel.Sms] = ["0712000001", "0712000002", "0712000003", "0712000004", "0712000005", "0712000006"],
            [Channel.WhatsApp] = ["0722000001", "0722000002", "0722000003", "0722000004", "0722000005", "0722000006"],
            [Channel.Telegram] = ["100200301", "100200302", "100200303", "100200304", "100200305", "100200306"],
            [Channel.Email] = ["a@acme.co.ke", "b@acme.co.ke", "c@acme.co.ke", "d@acme.co.ke", "e@acme.co.ke", "f@acme.co.ke"],
            [Channel.Slack] = ["U0000001A", "U0000002B", "U0000003C", "U0000004D", "U0000005E", "U0000006F"],
        };
        // Blocked is reported as the channel's failed event.
        var outcomes = new[]
        {
            (MessageStatus.Sent, WebhookEvents.Sent), (MessageStatus.Delivered, WebhookEvents.Delivered), (MessageStatus.Failed, WebhookEvents.Failed),
            (MessageStatus.Blocked, WebhookEvents.Failed), (MessageStatus.Undelivered, WebhookEvents.Undelivered), (MessageStatus.Cancelled, WebhookEvents.Cancelled),
        };

        foreach (var channel in ChannelNames.All)
        {
            var messages = (await ChannelSends.SendAsync(services, org, channel, addresses[channel])).Values.ToList();
            Assert.Equal(6, messages.Count);
            foreach (var (message, (status, kind)) in messages.Zip(outcomes))
            {
                var expected = WebhookEventNames.Catalogue.Single(e => e.Channel == channel && e.Kind == kind);
                await webhooks.UpdateAsync(org, exact, "https://127.0.0.1:9/exact", null, expected.Bit);
                await webhooks.UpdateAsync(org, others, "https://127.0.0.1:9/others", null, WebhookEventNames.EveryChannel & ~expected.Bit);

                await ChannelSends.BecomeAsync(services, message, status);

                await using var db = services.NewDb();
                var rows = await db.WebhookDeliveries.AsNoTracking().Where(d => d.MessageId == message).ToListAsync();
                var row = Assert.Single(rows);
                Assert.Equal((exact, expected.Name, status), (row.EndpointId, row.EventType, row.MessageStatus));
            }
        }
    }

    [Fact]
    public async Task An_email_campaign_dispatched_and_then_bounced_reaches_only_endpoints_subscribed_to_those_email_events_signed_in_the_same_shape()
    {
        var emailEvents = (WebhookEvents.Sent | WebhookEvents.Delivered | WebhookEvents.Undelivered).On(Channel.Email);
        await using var scenario = await WebhookScenario.StartAsync(emailEvents, WebhookScenario.Reliable(("SimulatedProvider:NonDeliveryRate", "0")));
        await using var smsOnly = await WebhookReceiver.StartAsync();
        await using var deliveriesOnly = await WebhookReceiver.StartAsync();
        var smsEndpoint = (await scenario.Webhooks.CreateAsync(scenario.OrganisationId, smsOnly.Url, "SMS system", WebhookEvents.All, null)).Endpoint.Id;
        var deliveredOnly = (await scenario.Webhooks.CreateAsync(scenario.OrganisationId, deliveriesOnly.Url, null, WebhookEvents.Delivered.On(Channel.Email), null)).Endpoint.Id;
        var services = scenario.Services;
        var dispatcher = services.Get<Dispatcher>();
        var messages = await ChannelSends.SendAsync(services, scenario.OrganisationId, Channel.Email, "wanjiku@example.co.ke", "otieno@example.com");
        var bounced = messages["wanjiku@example.co.ke"];

        // The relay takes both (sent and delivered at once, e-mail has no receipts); three minutes later one bounces.
        await DispatcherTests.RunUntilIdleAsync(dispatcher);
        services.Clock.Advance(TimeSpan.FromMinutes(3));
        await services.Get<IDeliveryReceiptSink>().PostAsync([new DeliveryReceipt(null, false, ChannelRules.EmailBounced, services.Clock.GetUtcNow().UtcDateTime, bounced)]);
        await DispatcherTests.RunUntilIdleAsync(dispatcher);

        var rows = await scenario.DeliveriesAsync();
        var expected = messages.Values.SelectMany(m => new[] { ("email.sent", scenario.EndpointId, m), ("email.delivered", scenario.EndpointId, m), ("email.delivered", deliveredOnly, m) })
            .Append(("email.undelivered", scenario.EndpointId, bounced));
        Assert.Equal(expected.Order(), rows.Select(r => (r.EventType, r.EndpointId, r.MessageId!.Value)).Order());
        Assert.DoesNotContain(rows, r => r.EndpointId == smsEndpoint);

        await scenario.DeliverDueAsync();

        Assert.Equal(0, smsOnly.Count); // an SMS-only endpoint hears nothing of e-mail
        Assert.Equal(messages.Values.Select(m => $"evt_{m:N}_email_delivered").Order(), deliveriesOnly.Calls.Select(c => c.EventId).Order());
        var calls = scenario.Receiver.Calls;
        Assert.Equal(5, calls.Count);
        await using var db = services.NewDb();
        var sent = await db.Messages.AsNoTracking().ToDictionaryAsync(m => m.Id);
        foreach (var call in calls)
        {
            Assert.True(WebhookVerification.IsFromTalkNTalk(call.Signature, call.Body, scenario.Secret, scenario.Now), call.Signature);
            Assert.Equal(["id", "event", "timestamp", "data"], call.Json.EnumerateObject().Select(p => p.Name));
            var e = WebhookVerification.ReadEvent(call.Body);
            Assert.Equal((call.EventId, call.Event, 1), (e.Id, e.Event, call.Attempt)); // the headers name the body's id and event
            var data = e.Data!.Value;
            var message = sent[data.GetProperty("id").GetGuid()];
            Assert.Equal($"evt_{message.Id:N}_{e.Event.Replace('.', '_')}", e.Id);
            Assert.Equal(["id", "mobile", "sender_id", "message", "status", "network", "source", "scheduled_at", "created_at", "updated_at", "channel", "address",
                "campaign_id", "error_code", "error_detail"], data.EnumerateObject().Select(p => p.Name));
            Assert.Equal(("email", message.Address, "news@acme.co.ke", "Karibu", "web", message.CampaignId),
                (data.GetProperty("channel").GetString(), data.GetProperty("address").GetString(), data.GetProperty("sender_id").GetString(),
                    data.GetProperty("message").GetString(), data.GetProperty("source").GetString(), data.GetProperty("campaign_id").GetGuid()));
            Assert.Equal(JsonValueKind.Null, data.GetProperty("mobile").ValueKind); // no number, no network on e-mail
            Assert.Equal(JsonValueKind.Null, data.GetProperty("network").ValueKind);
            Assert.Equal(e.Event["email.".Length..], data.GetProperty("status").GetString());
            Assert.Equal(call.Json.GetProperty("timestamp").GetString(), data.GetProperty("updated_at").GetString());
            if (e.Event == "email.undelivered")
                Assert.Equal((bounced, ChannelRules.EmailBounced), (message.Id, data.GetProperty("error_code").GetString()));
            else
                Assert.Equal(JsonValueKind.Null, data.GetProperty("error_code").ValueKind);
        }
        var bounce = WebhookVerification.ReadEvent(calls.Single(c => c.Event == "email.undelivered").Body);
        var delivery = WebhookVerification.ReadEvent(calls.Single(c => c.Event == "email.delivered" && c.EventId.Contains($"{bounced:N}")).Body);
        Assert.Equal(TimeSpan.FromMinutes(3), bounce.Timestamp - delivery.Timestamp);

        // The endpoint's log finds the bounce by its event id and the message by part of its address.
        var bounceId = $"evt_{bounced:N}_email_undelivered";
        var (found, total) = await scenario.Webhooks.DeliveriesAsync(scenario.OrganisationId, scenario.EndpointId, new WebhookDeliveryFilter(Search: bounceId), 0, 50);
        Assert.Equal((1, "email.undelivered", bounceId, "wanjiku@example.co.ke"), (total, found[0].EventType, found[0].EventId, found[0].Address));
        var (byAddress, _) = await scenario.Webhooks.DeliveriesAsync(scenario.OrganisationId, scenario.EndpointId, new WebhookDeliveryFilter(Search: "WANJIKU@"), 0, 50);
        Assert.Equal(3, byAddress.Count); // sent, delivered, undelivered
        var (byEvent, _) = await scenario.Webhooks.DeliveriesAsync(scenario.OrganisationId, scenario.EndpointId, new WebhookDeliveryFilter(EventType: "email.sent"), 0, 50);
        Assert.Equal(messages.Values.Order(), byEvent.Select(d => d.MessageId!.Value).Order());
        Assert.All(byEvent, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
    }

    [Fact]
    public async Task An_endpoint_takes_any_channels_events_but_not_none_nor_bits_that_are_no_event()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEventNames.EveryChannel);
        var webhooks = scenario.Webhooks;
        Assert.Equal(WebhookEventNames.EveryChannel, (await scenario.EndpointAsync()).Events);
        await webhooks.UpdateAsync(scenario.OrganisationId, scenario.EndpointId, scenario.Receiver.Url, null, WebhookEvents.Failed.On(Channel.Slack));
        Assert.Equal((WebhookEvents)(4 << 20), (await scenario.EndpointAsync()).Events);

        foreach (var events in new[] { WebhookEvents.None, (WebhookEvents)(1 << 25), WebhookEvents.Sent | (WebhookEvents)(1 << 30) })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => webhooks.UpdateAsync(scenario.OrganisationId, scenario.EndpointId, scenario.Receiver.Url, null, events));
            Assert.Equal(("events", WebhookService.NoEventChosen), (refused.Field, refused.Message));
        }
        Assert.Equal((WebhookEvents)(4 << 20), (await scenario.EndpointAsync()).Events);
    }
}
