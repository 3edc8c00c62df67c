using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>Endpoints as an admin manages them: secrets, tests, the delivery log, re-sends, and other organisations.</summary>
public sealed class WebhookServiceTests
{
    [Fact]
    public async Task The_secret_is_shown_once_stored_encrypted_and_a_rotation_signs_with_both_for_a_day()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        Assert.Matches("^whsec_[A-Za-z0-9]{32}$", scenario.Secret);
        var listed = Assert.Single(await scenario.Webhooks.ListAsync(scenario.OrganisationId));
        Assert.Equal(scenario.Secret[..10], listed.SecretHint);
        await using (var db = scenario.Services.NewDb())
        {
            var stored = await db.WebhookEndpoints.SingleAsync();
            Assert.DoesNotContain(scenario.Secret[6..], stored.ProtectedSecret);
        }

        var rotated = await scenario.Webhooks.RotateSecretAsync(scenario.OrganisationId, scenario.EndpointId);
        Assert.NotEqual(scenario.Secret, rotated);
        await scenario.Webhooks.SendTestAsync(scenario.OrganisationId, scenario.EndpointId);
        await scenario.DeliverDueAsync();
        var during = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal(2, during.Signature.Split(",v1=").Length - 1);
        Assert.True(WebhookVerification.IsFromTalkNTalk(during.Signature, during.Body, rotated, scenario.Now));
        Assert.True(WebhookVerification.IsFromTalkNTalk(during.Signature, during.Body, scenario.Secret, scenario.Now));

        scenario.Services.Clock.Advance(TimeSpan.FromHours(25));
        await scenario.Webhooks.SendTestAsync(scenario.OrganisationId, scenario.EndpointId);
        await scenario.DeliverDueAsync();
        var after = scenario.Receiver.Calls[1];
        Assert.Equal(1, after.Signature.Split(",v1=").Length - 1);
        Assert.True(WebhookVerification.IsFromTalkNTalk(after.Signature, after.Body, rotated, scenario.Now));
        Assert.False(WebhookVerification.IsFromTalkNTalk(after.Signature, after.Body, scenario.Secret, scenario.Now));
        // An old signature is refused by the snippet's replay window.
        Assert.False(WebhookVerification.IsFromTalkNTalk(during.Signature, during.Body, scenario.Secret, scenario.Now));
    }

    [Fact]
    public async Task A_test_event_goes_out_once_even_to_a_disabled_endpoint_and_is_never_retried()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        await scenario.Webhooks.SetEnabledAsync(scenario.OrganisationId, scenario.EndpointId, enabled: false);
        scenario.Receiver.Answer = _ => (502, null);

        await scenario.Webhooks.SendTestAsync(scenario.OrganisationId, scenario.EndpointId);
        await scenario.DeliverDueAsync();
        scenario.Services.Clock.Advance(TimeSpan.FromDays(1));
        await scenario.DeliverDueAsync();

        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal("webhook.test", call.Event);
        Assert.StartsWith("evt_test_", call.EventId);
        var delivery = Assert.Single(await scenario.DeliveriesAsync());
        Assert.Equal((WebhookDeliveryStatus.Failed, 1, 502), (delivery.Status, delivery.Attempts, delivery.ResponseStatus));
        Assert.Equal(0, (await scenario.EndpointAsync()).ConsecutiveFailures); // tests do not count towards disabling
    }

    [Fact]
    public async Task The_log_filters_by_event_status_number_and_message_and_a_resend_delivers_the_same_event_again()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        await scenario.SendAndDispatchAsync(30);
        scenario.Receiver.Answer = call => (call.Event == "sms.delivered" ? 400 : 200, null); // given up, not retried
        await scenario.DeliverDueAsync();
        var all = await scenario.DeliveriesAsync();
        var webhooks = scenario.Webhooks;
        var (org, endpoint) = (scenario.OrganisationId, scenario.EndpointId);

        var (page, total) = await webhooks.DeliveriesAsync(org, endpoint, new(), 0, 10);
        Assert.Equal(all.Count, total);
        Assert.Equal(all.OrderByDescending(d => d.Id).Take(10).Select(d => d.Id), page.Select(d => d.Id));

        var (delivered, deliveredTotal) = await webhooks.DeliveriesAsync(org, endpoint, new(EventType: "sms.delivered"), 0, 100);
        Assert.Equal(all.Count(d => d.EventType == "sms.delivered"), deliveredTotal);
        Assert.All(delivered, d => Assert.Equal(WebhookDeliveryStatus.Failed, d.Status));
        Assert.Equal(deliveredTotal, (await webhooks.DeliveriesAsync(org, endpoint, new(Status: WebhookDeliveryStatus.Failed), 0, 100)).Total);

        var one = (await webhooks.DeliveriesAsync(org, endpoint, new(EventType: "sms.sent"), 0, 1)).Items[0];
        var byNumber = (await webhooks.DeliveriesAsync(org, endpoint, new(Search: "0" + one.Address![3..]), 0, 100)).Items;
        Assert.Contains(byNumber, d => d.Id == one.Id);
        Assert.All(byNumber, d => Assert.Equal(one.Address, d.Address));
        foreach (var part in new[] { one.Address[^4..], "0" + one.Address[3..7], one.Address[..6] }) // last digits, a local start, 2547…
        {
            var byPart = (await webhooks.DeliveriesAsync(org, endpoint, new(Search: part), 0, 100)).Items;
            Assert.Contains(byPart, d => d.Id == one.Id);
            Assert.All(byPart, d => Assert.Contains(part.TrimStart('0'), d.Address));
        }
        Assert.Empty((await webhooks.DeliveriesAsync(org, endpoint, new(Search: "abc"), 0, 100)).Items);
        Assert.All((await webhooks.DeliveriesAsync(org, endpoint, new(Search: one.MessageId.ToString()), 0, 100)).Items, d => Assert.Equal(one.MessageId, d.MessageId));
        Assert.Equal(one.Id, Assert.Single((await webhooks.DeliveriesAsync(org, endpoint, new(Search: one.EventId), 0, 100)).Items).Id);

        var before = scenario.Receiver.Count;
        await webhooks.ResendAsync(org, one.Id);
        await scenario.DeliverDueAsync();
        Assert.Equal(before + 1, scenario.Receiver.Count);
        Assert.Equal(one.EventId, scenario.Receiver.Calls[^1].EventId);
        var resent = (await scenario.DeliveriesAsync()).Single(d => d.Id == one.Id);
        Assert.Equal((WebhookDeliveryStatus.Succeeded, 2), (resent.Status, resent.Attempts));
    }

    [Fact]
    public async Task Another_organisation_sees_nothing_and_changes_nothing()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        var other = await scenario.Services.CreateOrganisationAsync("Other Ltd", sender: "OTHERLTD");
        var webhooks = scenario.Webhooks;

        Assert.Empty(await webhooks.ListAsync(other));
        await Assert.ThrowsAsync<DomainException>(() => webhooks.DeliveriesAsync(other, scenario.EndpointId, new(), 0, 10));
        await Assert.ThrowsAsync<DomainException>(() => webhooks.RotateSecretAsync(other, scenario.EndpointId));
        await Assert.ThrowsAsync<DomainException>(() => webhooks.SendTestAsync(other, scenario.EndpointId));
        await Assert.ThrowsAsync<DomainException>(() => webhooks.DeleteAsync(other, scenario.EndpointId));
        await scenario.Webhooks.SendTestAsync(scenario.OrganisationId, scenario.EndpointId);
        var delivery = Assert.Single(await scenario.DeliveriesAsync());
        await Assert.ThrowsAsync<DomainException>(() => webhooks.ResendAsync(other, delivery.Id));
        Assert.Single(await webhooks.ListAsync(scenario.OrganisationId));
    }

    [Fact]
    public async Task Endpoints_need_an_event_and_a_short_description_and_deleting_one_removes_its_log()
    {
        await using var scenario = await WebhookScenario.StartAsync();
        var webhooks = scenario.Webhooks;
        var noEvents = await Assert.ThrowsAsync<DomainException>(() => webhooks.CreateAsync(scenario.OrganisationId, scenario.Receiver.Url, null, WebhookEvents.None, null));
        Assert.Equal("events", noEvents.Field);
        var longDescription = await Assert.ThrowsAsync<DomainException>(() => webhooks.CreateAsync(scenario.OrganisationId, scenario.Receiver.Url, new string('x', 101), WebhookEvents.Sent, null));
        Assert.Equal("description", longDescription.Field);

        await webhooks.UpdateAsync(scenario.OrganisationId, scenario.EndpointId, scenario.Receiver.Url + "/v2", "CRM", WebhookEvents.Failed);
        var changed = Assert.Single(await webhooks.ListAsync(scenario.OrganisationId));
        Assert.Equal((scenario.Receiver.Url + "/v2", "CRM", WebhookEvents.Failed), (changed.Url, changed.Description, changed.Events));

        await scenario.SendAndDispatchAsync(2);
        await webhooks.SendTestAsync(scenario.OrganisationId, scenario.EndpointId);
        await webhooks.DeleteAsync(scenario.OrganisationId, scenario.EndpointId);
        Assert.Empty(await webhooks.ListAsync(scenario.OrganisationId));
        // Only the table's newest row stays behind, finished, so that its id is never handed out again.
        var kept = Assert.Single(await scenario.DeliveriesAsync());
        Assert.Equal((WebhookEventNames.Test, WebhookDeliveryStatus.Failed, (DateTime?)null, "The endpoint was deleted."),
            (kept.EventType, kept.Status, kept.NextAttemptAt, kept.LastError));
        await scenario.DeliverDueAsync();
        Assert.Empty(scenario.Receiver.Calls);
    }

    [Fact]
    public async Task Events_after_deleting_the_endpoint_with_the_newest_deliveries_get_new_ids_and_are_delivered()
    {
        await using var scenario = await WebhookScenario.StartAsync(WebhookEvents.Sent, WebhookScenario.Reliable());
        var webhooks = scenario.Webhooks;
        await scenario.SendAndDispatchAsync(1);
        await scenario.DeliverDueAsync();
        var (other, _) = await webhooks.CreateAsync(scenario.OrganisationId, scenario.Receiver.Url + "/other", null, WebhookEvents.Sent, null);
        await scenario.SendAndDispatchAsync(3); // three rows for each endpoint, the other's last
        await scenario.DeliverDueAsync(); // the worker's cursor is on the other's last row now
        await webhooks.DeleteAsync(scenario.OrganisationId, other.Id);
        var before = await scenario.DeliveriesAsync();
        Assert.Equal(other.Id, before.MaxBy(d => d.Id)!.EndpointId); // kept, finished: its id is not handed out again

        await scenario.SendAndDispatchAsync(2);
        await scenario.DeliverDueAsync();

        var after = await scenario.DeliveriesAsync();
        var fresh = after.Where(d => d.EndpointId == scenario.EndpointId).ExceptBy(before.Select(d => d.Id), d => d.Id).ToList();
        Assert.Equal(2, fresh.Count);
        Assert.All(fresh, d => Assert.True(d.Id > before.Max(b => b.Id)));
        Assert.All(after.Where(d => d.EndpointId == scenario.EndpointId), d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
        Assert.Equal(1 + 3 + 3 + 2, scenario.Receiver.Count);
    }
}
