using Bunit;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Channels;
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

        // A new endpoint starts with every event of every channel; "all" of each channel empties its row.
        cut.Find("#webhook-url").Change("https://127.0.0.1:9/hooks/sms");
        Assert.All(WebhookEventNames.Catalogue, e => Assert.True(Box(cut, e.Channel, e.Word).HasAttribute("checked"), e.Name));
        foreach (var channel in ChannelNames.All)
            cut.Find($"[data-testid=events-{channel.ToApiName()}-all]").Change(false);
        Assert.All(WebhookEventNames.Catalogue, e => Assert.False(Box(cut, e.Channel, e.Word).HasAttribute("checked"), e.Name));
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal(WebhookService.NoEventChosen, cut.Find("[data-field=events]").TextContent.Trim()));
        Assert.Equal("Choose at least one event: tick the channels and events your system handles, e.g. sms.delivered or email.undelivered.", WebhookService.NoEventChosen);
        Assert.Empty(cut.FindAll("[data-field=url]"));

        Box(cut, Channel.Sms, "cancelled").Change(true);
        Box(cut, Channel.Email, "delivered").Change(true);
        Box(cut, Channel.Email, "undelivered").Change(true);
        cut.Find("form").Submit();
        cut.WaitForElement("[data-testid=new-secret]");
        Assert.Empty(cut.FindAll("[data-field]"));
        Assert.Empty(cut.FindAll(".mud-input-error"));
        var endpoint = Assert.Single(await App.Service<WebhookService>().ListAsync(OrganisationId));
        Assert.Equal(WebhookEvents.Cancelled | (WebhookEvents.Delivered | WebhookEvents.Undelivered).On(Channel.Email), endpoint.Events);
        cut.WaitForAssertion(() => Assert.Equal("sms.cancelled email.delivered email.undelivered", cut.Find("[data-testid=endpoint-events]").TextContent.Trim()));
        // The form is ready for the next endpoint, with every event ticked again.
        Assert.All(WebhookEventNames.Catalogue, e => Assert.True(Box(cut, e.Channel, e.Word).HasAttribute("checked"), e.Name));
    }

    [Fact]
    public void The_events_grid_has_a_row_per_channel_a_column_per_event_and_names_each_box_for_screen_readers()
    {
        var cut = Render<WebhookList>();

        var grid = cut.WaitForElement("[data-testid=event-grid]");
        Assert.Equal("webhook-events", grid.GetAttribute("aria-labelledby"));
        Assert.Equal(["Channel", "all", "sent", "delivered", "failed", "undelivered", "cancelled"], grid.QuerySelectorAll("thead th").Select(th => th.TextContent.Trim()));
        Assert.Equal(["SMS", "WhatsApp", "Telegram", "E-mail", "Slack"], grid.QuerySelectorAll("tbody th[scope=row]").Select(th => th.TextContent.Trim()));
        Assert.Equal(30, grid.QuerySelectorAll("input[type=checkbox]").Length);
        Assert.Equal("sms.delivered: reached the handset", Box(cut, Channel.Sms, "delivered").GetAttribute("aria-label"));
        Assert.Equal("email.undelivered: bounced", Box(cut, Channel.Email, "undelivered").GetAttribute("aria-label"));
        Assert.Equal("telegram.delivered: accepted by Telegram, which sends no receipts", Box(cut, Channel.Telegram, "delivered").GetAttribute("aria-label"));
        Assert.Equal("Every Slack event", cut.Find("[data-testid=events-slack-all]").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task The_endpoint_page_shows_its_events_ticked_and_saves_a_change_of_them()
    {
        var webhooks = App.Service<WebhookService>();
        var events = WebhookEvents.Failed | WebhookEvents.Undelivered | WebhookEvents.All.On(Channel.Email);
        var (endpoint, _) = await webhooks.CreateAsync(OrganisationId, "https://127.0.0.1:9/hooks/sms", null, events, "admin@acme.co.ke");
        var cut = Render<WebhookEndpointDetail>(p => p.Add(d => d.Id, endpoint.Id));

        cut.WaitForElement("[data-testid=event-sms-undelivered]");
        Assert.Equal("sms.failed sms.undelivered email.*", cut.Find("[data-testid=endpoint-events]").TextContent.Trim());
        Assert.Equal([false, false, true, true, false], WebhookEventNames.Kinds.Select(k => Box(cut, Channel.Sms, k.Word).HasAttribute("checked")));
        Assert.All(WebhookEventNames.Kinds, k => Assert.True(Box(cut, Channel.Email, k.Word).HasAttribute("checked")));
        Assert.All(WebhookEventNames.Kinds, k => Assert.False(Box(cut, Channel.WhatsApp, k.Word).HasAttribute("checked")));

        Assert.Equal(("Every SMS event (some are ticked)", "Every E-mail event", "Every WhatsApp event"),
            (cut.Find("[data-testid=events-sms-all]").GetAttribute("aria-label"), cut.Find("[data-testid=events-email-all]").GetAttribute("aria-label"),
                cut.Find("[data-testid=events-whatsapp-all]").GetAttribute("aria-label")));
        Assert.True(cut.Find("[data-testid=events-email-all]").HasAttribute("checked"));
        Assert.False(cut.Find("[data-testid=events-whatsapp-all]").HasAttribute("checked"));

        // "All" fills a part-ticked row, empties a full one, and fills an empty one.
        cut.Find("[data-testid=events-sms-all]").Change(true);
        cut.Find("[data-testid=events-email-all]").Change(false);
        cut.Find("[data-testid=events-whatsapp-all]").Change(true);
        Box(cut, Channel.WhatsApp, "sent").Change(false);
        cut.Find("form").Submit();

        var saved = WebhookEvents.All | (WebhookEvents.All & ~WebhookEvents.Sent).On(Channel.WhatsApp);
        cut.WaitForAssertion(() => Assert.Equal(saved, Assert.Single(webhooks.ListAsync(OrganisationId).GetAwaiter().GetResult()).Events));
        cut.WaitForAssertion(() => Assert.Equal("sms.* whatsapp.delivered whatsapp.failed whatsapp.undelivered whatsapp.cancelled",
            cut.Find("[data-testid=endpoint-events]").TextContent.Trim()));
    }

    private static AngleSharp.Dom.IElement Box<T>(IRenderedComponent<T> cut, Channel channel, string word) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"[data-testid=event-{channel.ToApiName()}-{word}]");

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
