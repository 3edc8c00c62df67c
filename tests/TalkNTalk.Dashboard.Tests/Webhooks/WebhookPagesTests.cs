using Bunit;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Webhooks;
using TalkNTalk.Dashboard.Tests.Components;
using TalkNTalk.Dashboard.Webhooks;

namespace TalkNTalk.Dashboard.Tests.Webhooks;

public sealed class WebhookPagesTests : ComponentTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // A receiver on this machine: its closed port gives a real connection failure to show.
        App.Service<IOptions<WebhookOptions>>().Value.AllowPrivateTargets = true;
    }

    [Fact]
    public async Task Adding_an_endpoint_without_a_url_or_events_says_so_next_to_each_field()
    {
        var cut = Render<WebhookList>();

        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.Find("[data-field=url]").TextContent.Trim()));

        cut.Find("#webhook-url").Change("https://127.0.0.1:9/hooks/sms");
        var boxes = new[] { "event-sent", "event-delivered", "event-failed", "event-undelivered", "event-cancelled" };
        Assert.All(boxes, box => Assert.NotNull(cut.Find($"[data-testid={box}]")));
        foreach (var box in boxes)
            cut.Find($"[data-testid={box}]").Change(false);
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("Choose at least one event: sms.sent, sms.delivered, sms.failed, sms.undelivered or sms.cancelled.",
            cut.Find("[data-field=events]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-field=url]"));

        cut.Find("[data-testid=event-cancelled]").Change(true);
        cut.Find("form").Submit();
        cut.WaitForElement("[data-testid=new-secret]");
        Assert.Empty(cut.FindAll("[data-field]"));
        Assert.Empty(cut.FindAll(".mud-input-error"));
        var endpoint = Assert.Single(await App.Service<WebhookService>().ListAsync(OrganisationId));
        Assert.Equal(WebhookEvents.Cancelled, endpoint.Events);
        cut.WaitForAssertion(() => Assert.Contains("sms.cancelled", cut.Find("[data-testid=endpoints-grid]").TextContent));
    }

    [Fact]
    public async Task The_endpoint_page_shows_its_events_ticked_and_saves_a_change_of_them()
    {
        var webhooks = App.Service<WebhookService>();
        var (endpoint, _) = await webhooks.CreateAsync(OrganisationId, "https://127.0.0.1:9/hooks/sms", null, WebhookEvents.Failed | WebhookEvents.Undelivered, "admin@acme.co.ke");
        var cut = Render<WebhookEndpointDetail>(p => p.Add(d => d.Id, endpoint.Id));

        cut.WaitForElement("[data-testid=event-undelivered]");
        Assert.Equal([false, false, true, true, false],
            new[] { "sent", "delivered", "failed", "undelivered", "cancelled" }.Select(e => cut.Find($"[data-testid=event-{e}]").HasAttribute("checked")));
        cut.Find("[data-testid=event-cancelled]").Change(true);
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal(WebhookEvents.Failed | WebhookEvents.Undelivered | WebhookEvents.Cancelled,
            Assert.Single(webhooks.ListAsync(OrganisationId).GetAwaiter().GetResult()).Events));
    }

    [Fact]
    public async Task Deleting_an_endpoint_asks_first_and_cancel_keeps_it()
    {
        var (endpoint, _) = await App.Service<WebhookService>().CreateAsync(OrganisationId, "https://127.0.0.1:9/hooks/sms", "Billing", WebhookEvents.Sent, "admin@acme.co.ke");
        var dialogs = RenderDialogProvider();
        var cut = Render<WebhookEndpointDetail>(p => p.Add(d => d.Id, endpoint.Id));

        cut.WaitForElement("[data-testid=delete-endpoint]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("and its delivery log?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("and its delivery log?", dialogs.Markup));
        Assert.Single(await App.Service<WebhookService>().ListAsync(OrganisationId));

        cut.Find("[data-testid=delete-endpoint]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click());

        cut.WaitForAssertion(() => Assert.Empty(App.Service<WebhookService>().ListAsync(OrganisationId).GetAwaiter().GetResult()));
    }

    [Fact]
    public async Task The_log_says_in_plain_words_why_a_delivery_failed()
    {
        var webhooks = App.Service<WebhookService>();
        var (endpoint, _) = await webhooks.CreateAsync(OrganisationId, "https://127.0.0.1:9/hooks/sms", null, WebhookEvents.Sent, "admin@acme.co.ke");
        var cut = Render<WebhookEndpointDetail>(p => p.Add(d => d.Id, endpoint.Id));

        await webhooks.SendTestAsync(OrganisationId, endpoint.Id);

        // The worker tries, the notifier tells the page, and the log shows what happened without .NET's wording.
        var error = cut.WaitForElement("[data-testid=delivery-error]", TimeSpan.FromSeconds(30)).TextContent.Trim();
        Assert.StartsWith("Could not connect to 127.0.0.1:9", error);
        Assert.DoesNotContain("exception", error, StringComparison.OrdinalIgnoreCase);
    }
}
