using Microsoft.AspNetCore.Components;
using MudBlazor;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.Campaigns;

/// <summary>A campaign's progress, updating by itself while it runs, with its messages and controls.</summary>
public partial class CampaignDetail
{
    [Parameter] public Guid CampaignId { get; set; }
    [Inject] private CampaignQueries Campaigns { get; set; } = default!;
    [Inject] private CampaignNotifier Changes { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private Microsoft.Extensions.Options.IOptions<SendingOptions> Sending { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private Core.Providers.ChannelGateways Gateways { get; set; } = default!;
    [Inject] private Core.Providers.GatewayNotifier GatewayChanges { get; set; } = default!;

    private CampaignView? campaign;
    private bool notFound;
    private MudDataGrid<CampaignMessageView>? grid;
    private IReadOnlyList<ProgressPoint> progress = [];

    private bool CanControl => User.IsInRole("Admin") || User.IsInRole("Member");

    private CampaignFigures Figures => CampaignFigures.Of(campaign!);

    /// <summary>Why a running promotional campaign sends nothing now: the window is closed until its next opening.</summary>
    private string? WaitingForWindow
    {
        get
        {
            if (campaign is not { SenderCategory: Core.SenderIds.SenderIdCategory.Promotional, QueuedCount: > 0 } || CampaignStateMachine.IsFinished(campaign.Status)
                || campaign.Status is CampaignStatus.Paused or CampaignStatus.Scheduled)
                return null;
            var now = Clock.GetUtcNow().UtcDateTime;
            return PromotionalWindow.IsOpen(now, Sending.Value) ? null
                : $"Promotional messages go out only between {PromotionalWindow.Describe(Sending.Value)}: the {campaign.QueuedCount:N0} still to send wait until {Local(PromotionalWindow.NextOpen(now, Sending.Value))}.";
        }
    }

    /// <summary>Why a queued or running campaign sends nothing now: its channel's lane (the SMS gateway, the e-mail server, …) is down or paused (nothing is charged meanwhile).</summary>
    private string? WaitingForGateway =>
        campaign is { Status: CampaignStatus.Queued or CampaignStatus.Running, QueuedCount: > 0 }
        && Gateways.For(campaign.Channel)?.Health is { State: not Core.Providers.GatewayState.Sending } health
            ? Dashboard.Gateway.GatewayWording.CampaignNotice(health, LocalClock, campaign.Channel)
            : null;

    // The gateway's health is read when rendering; this only gives LiveRefresh something to call before it re-renders.
    private static void RefreshGateway() { }

    private string Subtitle => $"{campaign!.Channel.ToDisplayName()} from {campaign.SenderId} · {campaign.Source.ToString().ToLowerInvariant()} · created {Local(campaign.CreatedAt)}"
                               + (campaign.CreatedBy is null ? "" : " by " + campaign.CreatedBy);

    protected override async Task OnOrganisationReadyAsync()
    {
        try
        {
            campaign = await Campaigns.GetAsync(OrganisationId, CampaignId);
            progress = await Campaigns.ProgressAsync(OrganisationId, CampaignId);
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            notFound = true;
        }
    }

    private Task<GridData<CampaignMessageView>> LoadMessagesAsync(GridState<CampaignMessageView> state, CancellationToken ct) =>
        ServerGrid.PageAsync(state, (skip, take) => Campaigns.MessagesAsync(OrganisationId, CampaignId, null, skip, take, ct));

    // LiveRefresh calls this on the renderer, a few times a second at most, and re-renders after it.
    private async Task RefreshAsync()
    {
        campaign = await Campaigns.GetAsync(OrganisationId, CampaignId);
        progress = await Campaigns.ProgressAsync(OrganisationId, CampaignId);
        if (grid is not null)
            await grid.ReloadServerData();
    }

    private async Task ActAsync(Func<Task> action)
    {
        var result = new FormErrors();
        if (!await result.TryAsync(action))
            Snackbar.Add($"Not changed: {result.Message}", Severity.Error);
        campaign = await Campaigns.GetAsync(OrganisationId, CampaignId);
    }

    private async Task CancelAsync()
    {
        if (!await Dialogs.AskAsync("Cancel campaign",
                "Cancel this campaign? Messages not yet sent are cancelled and their cost refunded to the wallet.", "Cancel campaign"))
            return;
        CancelResult? result = null;
        await ActAsync(async () => result = await Campaigns.CancelAsync(OrganisationId, CampaignId));
        if (result is { } done)
            Snackbar.Add(CancelledText(done), Severity.Success);
        await RefreshAsync();
    }

    /// <summary>What the cancel did, in the words the snackbar uses: the refund, and what was already on its way.</summary>
    public static string CancelledText(CancelResult result) =>
        $"Campaign cancelled: {result.Cancelled:N0} unsent message{(result.Cancelled == 1 ? "" : "s")} cancelled and refunded."
        + (result.InFlight == 0 ? "" : $" {result.InFlight:N0} already on {(result.InFlight == 1 ? "its" : "their")} way to the provider will finish.");

    private async Task SettleUnknownAsync(bool sendAgain)
    {
        var count = Figures.Unknown;
        var question = sendAgain
            ? $"Send the {count:N0} message{(count == 1 ? "" : "s")} with an unknown outcome again? The provider may already have delivered some: those recipients would get the message twice."
            : $"Mark the {count:N0} message{(count == 1 ? "" : "s")} with an unknown outcome as failed and refund {(count == 1 ? "its" : "their")} cost? A recipient who did get one is not charged for it.";
        if (!await Dialogs.AskAsync(sendAgain ? "Send again" : "Mark failed", question, sendAgain ? "Send again" : "Mark failed"))
            return;
        var settled = 0;
        await ActAsync(async () => settled = await Campaigns.SettleUnknownAsync(OrganisationId, CampaignId, sendAgain));
        if (settled > 0)
            Snackbar.Add(sendAgain ? $"{settled:N0} message{(settled == 1 ? "" : "s")} queued again." : $"{settled:N0} message{(settled == 1 ? "" : "s")} marked failed and refunded.", Severity.Success);
        await RefreshAsync();
    }
}
