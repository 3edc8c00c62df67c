using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Dashboard.Messages;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Messages;

/// <summary>The explorer as a user meets it: the address bar's filters, an empty page, and warnings for filters it cannot read.</summary>
public sealed class MessageExplorerTests : ComponentTest
{
    // The explorer reads its filters from the address bar, as the browser gives it.
    private IRenderedComponent<MessageExplorer> RenderAt(string url)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return Render<MessageExplorer>();
    }


    private async Task SendAsync(string message, MessageSource source, params string[] numbers) =>
        await App.Service<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = OrganisationId, Message = message, Numbers = numbers, Source = source });

    [Fact]
    public async Task Filters_in_the_address_choose_the_messages_and_fill_the_filter_bar()
    {
        await SendAsync("Your statement is ready", MessageSource.Api, "254712345678", "254733111222");
        await SendAsync("Web send", MessageSource.Web, "254712345999");

        var cut = RenderAt("messages?mobile=0712&source=api");

        cut.WaitForAssertion(() => Assert.Equal("1 message", cut.Find("[data-testid=message-total]").TextContent.Trim()));
        Assert.Equal("0712", cut.Find("input[data-testid=filter-address]").GetAttribute("value"));
        var row = Assert.Single(cut.FindAll("[data-testid=message-grid] tbody tr"));
        Assert.Contains("+254 712 345 678", row.TextContent);
        Assert.Contains("Your statement is ready", row.TextContent);
        Assert.NotNull(cut.Find("[data-testid=filter-clear]"));
    }

    [Fact]
    public void An_organisation_without_messages_sees_what_will_appear()
    {
        var cut = RenderAt("messages");

        cut.WaitForAssertion(() => Assert.Contains("No messages yet", cut.Find("[data-testid=message-grid]").TextContent));
        Assert.Equal("0 messages", cut.Find("[data-testid=message-total]").TextContent.Trim());
        Assert.True(cut.Find("[data-testid=export-csv]").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("[data-testid=filter-clear]"));
    }

    [Fact]
    public async Task Filters_that_match_nothing_say_so_and_offer_to_clear_them()
    {
        await SendAsync("Hello", MessageSource.Web, "254712345678");

        var cut = RenderAt("messages?mobile=0799");

        cut.WaitForAssertion(() => Assert.Contains("No message matches these filters", cut.Find("[data-testid=message-grid]").TextContent));
        Assert.Equal("0 messages", cut.Find("[data-testid=message-total]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=filter-clear]"));
    }

    [Fact]
    public void Filters_it_cannot_read_are_dropped_with_a_warning_each()
    {
        var cut = RenderAt("messages?status=lost&network=orange&channel=sms&mobile=abc&campaign=42");

        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-testid=filter-warning]").Count));
        var warnings = cut.FindAll("[data-testid=filter-warning]").Select(w => w.TextContent).ToList();
        Assert.Contains(warnings, w => w.Contains("Unknown status \"lost\""));
        Assert.Contains(warnings, w => w.Contains("Unknown network \"orange\""));
        Assert.Contains(warnings, w => w.Contains("\"abc\" is not part of a phone number"));
        Assert.Contains(warnings, w => w.Contains("\"42\" is not a campaign id"));
    }

    [Fact]
    public void A_campaign_of_another_organisation_or_none_is_a_warning_not_an_error()
    {
        var cut = RenderAt($"messages?campaign={Guid.NewGuid()}");

        cut.WaitForAssertion(() => Assert.Contains("That campaign does not exist", cut.Find("[data-testid=filter-warning]").TextContent));
        Assert.Equal("0 messages", cut.Find("[data-testid=message-total]").TextContent.Trim());
    }

    [Fact]
    public void Backwards_dates_warn_and_match_nothing()
    {
        var cut = RenderAt("messages?from=2026-12-01&to=2026-11-01");

        cut.WaitForAssertion(() => Assert.Contains("after the end date", cut.Find("[data-testid=filter-warning]").TextContent));
    }

    [Fact]
    public async Task The_campaign_filter_lists_recent_campaigns_before_typing_with_their_date_and_sender()
    {
        await SendAsync("First", MessageSource.Api, "254712345678");
        await SendAsync("Second", MessageSource.Web, "254733111222");
        var popovers = Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<CampaignPicker>();

        await cut.Find("input").FocusAsync(new Microsoft.AspNetCore.Components.Web.FocusEventArgs());

        popovers.WaitForAssertion(() => Assert.Equal(2, popovers.FindAll(".campaign-choice").Count));
        Assert.All(popovers.FindAll(".campaign-choice-meta"), meta => Assert.Matches(@"^\d{1,2} \w{3} \d{4}, \d\d:\d\d · ACMEKE$", meta.TextContent.Trim()));
    }
}
