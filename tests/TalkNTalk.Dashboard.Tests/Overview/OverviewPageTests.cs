using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Messages;
using TalkNTalk.Dashboard.Overview;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Overview;

/// <summary>The overview's figures and the explorer links behind them.</summary>
public sealed class OverviewPageTests : ComponentTest
{

    [Fact]
    public async Task Figures_link_to_the_explorer_with_the_same_filter_over_the_same_days()
    {
        await App.Service<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = OrganisationId, Message = "Karibu", Numbers = ["254712345678", "254733111222", "254771000111"],
        });

        var cut = Render<OverviewPage>();

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=kpi-messages] .stat-value").TextContent.Trim()));
        var data = await App.Service<MessageOverview>().GetAsync(OrganisationId, "Africa/Nairobi");
        var days = $"from={data.FirstDay:yyyy-MM-dd}&to={data.LastDay:yyyy-MM-dd}";
        Assert.Equal($"messages?{days}", cut.Find("[data-testid=kpi-messages]").GetAttribute("href"));
        Assert.Equal($"messages?status=delivered&{days}", cut.Find("[data-testid=kpi-delivered]").GetAttribute("href"));
        Assert.Contains("Delivered, % of sent", cut.Find("[data-testid=kpi-delivered-rate]").TextContent);

        var networks = cut.FindAll("[data-testid=network-link]");
        Assert.Equal(3, networks.Count);
        Assert.Contains(networks, n => n.GetAttribute("href") == $"messages?network=airtel&{days}" && n.GetAttribute("data-count") == "1");
        Assert.Contains("Delivered, % of sent", cut.Find("[data-testid=chart-networks] thead").TextContent);
        var sender = cut.Find("[data-testid=sender-link]");
        Assert.Equal($"messages?sender=ACMEKE&{days}", sender.GetAttribute("href"));
        Assert.Equal("3", sender.GetAttribute("data-count"));
        Assert.All(cut.FindAll("[data-testid=daily-link]"), link => Assert.Matches(@"^messages\?status=[a-z]+&from=", link.GetAttribute("href")));
        Assert.NotEmpty(cut.FindAll("[data-testid=chart-daily] svg"));
    }

    [Fact]
    public async Task With_one_channel_there_is_no_choice_and_a_chosen_channel_scopes_every_figure_and_link()
    {
        await App.Service<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = OrganisationId, Message = "Karibu", Numbers = ["254712345678"] });

        var all = Render<OverviewPage>();
        all.WaitForAssertion(() => Assert.Equal("1", all.Find("[data-testid=kpi-messages] .stat-value").TextContent.Trim()));
        Assert.Empty(all.FindAll("[data-testid=overview-channels]"));

        Services.GetRequiredService<NavigationManager>().NavigateTo("?channel=email");
        var email = Render<OverviewPage>();
        email.WaitForAssertion(() => Assert.NotNull(email.Find("[data-testid=overview-channels]")));
        Assert.Equal("0", email.Find("[data-testid=kpi-messages] .stat-value").TextContent.Trim());
        Assert.Contains("SMS · 1", email.Find("[data-testid=overview-channel]").TextContent);
        Assert.Contains("channel=email", email.Find("[data-testid=kpi-messages]").GetAttribute("href"));
    }

    [Fact]
    public void Before_any_message_the_overview_says_what_will_appear_and_offers_compose()
    {
        var cut = Render<OverviewPage>();

        cut.WaitForAssertion(() => Assert.Contains("No messages in the last 30 days", cut.Markup));
        Assert.Equal("compose", cut.Find("a[href=compose]").GetAttribute("href"));
        Assert.Contains("Delivered, % of sent: —", cut.Find("[data-testid=kpi-delivered-rate]").TextContent);
    }

    [Fact]
    public void Each_days_figures_are_links_to_the_explorer_on_that_day_and_status()
    {
        var today = new DateOnly(2026, 11, 30);
        var data = new OverviewData(today.AddDays(-29), today,
            [new(today, MessageStatus.Delivered, 6), new(today.AddDays(-2), MessageStatus.Failed, 2), new(today.AddDays(-2), MessageStatus.Delivered, 3)],
            [], [], []);

        var cut = Render<OverviewChartCards>(p => p.Add(c => c.Charts, new OverviewCharts(data)));
        cut.Find("[data-testid=daily-table-panel] .mud-expand-panel-header").Click();

        var cells = cut.WaitForElements("[data-testid=daily-cell]");
        Assert.Equal(["messages?status=delivered&from=2026-11-30&to=2026-11-30", "messages?status=delivered&from=2026-11-28&to=2026-11-28", "messages?status=failed&from=2026-11-28&to=2026-11-28"],
            cells.Select(c => c.GetAttribute("href")));
        Assert.Equal(["6", "3", "2"], cells.Select(c => c.TextContent));
    }

    [Fact]
    public void Delivered_share_counts_of_messages_sent_to_the_network()
    {
        var today = new DateOnly(2026, 11, 30);
        var data = new OverviewData(today.AddDays(-29), today,
            [new(today, MessageStatus.Delivered, 6), new(today, MessageStatus.Sent, 1), new(today, MessageStatus.Undelivered, 1), new(today, MessageStatus.Failed, 2)],
            [], [], []);

        var charts = new OverviewCharts(data);

        Assert.Equal("75.0%", charts.DeliveredOfSent);
    }
}
