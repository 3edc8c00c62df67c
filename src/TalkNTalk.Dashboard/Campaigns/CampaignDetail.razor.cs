using Microsoft.AspNetCore.Components;
using Radzen;
using Radzen.Blazor;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.Campaigns;

/// <summary>A campaign's progress, updating by itself while it runs, with its messages and controls.</summary>
public partial class CampaignDetail
{
    /// <summary>At most this many renders per second, however fast the dispatcher publishes.</summary>
    private static readonly TimeSpan MinRenderInterval = TimeSpan.FromMilliseconds(250);

    [Parameter] public Guid CampaignId { get; set; }
    [Inject] private CampaignQueries Campaigns { get; set; } = default!;
    [Inject] private CampaignNotifier Changes { get; set; } = default!;
    [Inject] private DialogService Dialogs { get; set; } = default!;
    [Inject] private NotificationService Notifications { get; set; } = default!;

    private CampaignView? campaign;
    private bool notFound;
    private RadzenDataGrid<CampaignMessageView>? grid;
    private IReadOnlyList<CampaignMessageView> messages = [];
    private int total;
    private int skip;
    private IReadOnlyList<ProgressPoint> progress = [];
    private IDisposable? subscription;
    private DateTime lastRender;

    private bool CanControl => User.IsInRole("Admin") || User.IsInRole("Member");

    private double Percent => campaign is null || campaign.RecipientsCount == 0 ? 0 : Math.Round(100.0 * campaign.ProcessedCount / campaign.RecipientsCount);

    protected override async Task OnOrganisationReadyAsync()
    {
        try
        {
            campaign = await Campaigns.GetAsync(OrganisationId, CampaignId);
            (messages, total) = await Campaigns.MessagesAsync(OrganisationId, CampaignId, null, 0, 25);
            progress = await Campaigns.ProgressAsync(OrganisationId, CampaignId);
            subscription = Changes.Subscribe(CampaignId, RefreshAsync);
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            notFound = true;
        }
    }

    private async Task LoadAsync(LoadDataArgs args)
    {
        skip = args.Skip ?? 0;
        (messages, total) = await Campaigns.MessagesAsync(OrganisationId, CampaignId, null, skip, args.Top ?? 25);
    }

    // Called by the notifier (coalesced per subscriber); spaced out so a fast campaign does not flood the circuit.
    private async Task RefreshAsync()
    {
        var wait = lastRender + MinRenderInterval - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        var latest = await Campaigns.GetAsync(OrganisationId, CampaignId);
        var page = await Campaigns.MessagesAsync(OrganisationId, CampaignId, null, skip, 25);
        var points = await Campaigns.ProgressAsync(OrganisationId, CampaignId);
        await InvokeAsync(() =>
        {
            campaign = latest;
            progress = points;
            (messages, total) = page;
            lastRender = DateTime.UtcNow;
            StateHasChanged();
        });
    }

    private async Task ActAsync(Func<Task> action)
    {
        var result = new FormErrors();
        if (!await result.TryAsync(action))
            Notifications.Notify(NotificationSeverity.Error, "Not changed", result.Message, duration: 8000);
        campaign = await Campaigns.GetAsync(OrganisationId, CampaignId);
    }

    private async Task CancelAsync()
    {
        var confirmed = await Dialogs.Confirm("Cancel this campaign? Messages not yet sent are cancelled and their cost refunded to the wallet.",
            "Cancel campaign", new ConfirmOptions { OkButtonText = "Cancel campaign", CancelButtonText = "Keep sending" });
        if (confirmed != true)
            return;
        var cancelled = 0;
        await ActAsync(async () => cancelled = await Campaigns.CancelAsync(OrganisationId, CampaignId));
        Notifications.Notify(NotificationSeverity.Success, "Campaign cancelled", $"{cancelled:N0} unsent messages cancelled and refunded.");
        if (grid is not null)
            await grid.Reload();
    }

    public void Dispose() => subscription?.Dispose();
}
