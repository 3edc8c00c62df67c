using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Radzen;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Phones;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Shared;
using TalkNTalk.Dashboard.Messages;

namespace TalkNTalk.Dashboard.Messages;

/// <summary>
/// Every message of the organisation, filtered, paged and sorted on the server. The URL is the state: filters, page
/// and the open message are query parameters, so reloading, bookmarking and sharing give the same view. Statuses on
/// the visible page follow delivery receipts live, without moving the rows.
/// </summary>
public partial class MessageExplorer
{
    private const int PageSize = 50;
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ExportSilence = TimeSpan.FromSeconds(30);

    private static readonly IReadOnlyList<Option<MessageStatus?>> Statuses =
        Enum.GetValues<MessageStatus>().Select(s => new Option<MessageStatus?>(s, s.ToString())).ToList();
    private static readonly IReadOnlyList<Option<MessageSource?>> Sources = [new(MessageSource.Web, "Web"), new(MessageSource.Api, "API")];

    [Inject] private MessageQueries Messages { get; set; } = default!;
    [Inject] private CampaignQueries Campaigns { get; set; } = default!;
    [Inject] private OrganisationCampaignsNotifier Changes { get; set; } = default!;
    [Inject] private ExportProgressStore Exports { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "page")] public string? PageParameter { get; set; }
    [SupplyParameterFromQuery(Name = "message")] public string? MessageParameter { get; set; }
    [SupplyParameterFromQuery(Name = "status")] public string? StatusParameter { get; set; }
    [SupplyParameterFromQuery(Name = "mobile")] public string? MobileParameter { get; set; }
    [SupplyParameterFromQuery(Name = "sender")] public string? SenderParameter { get; set; }
    [SupplyParameterFromQuery(Name = "source")] public string? SourceParameter { get; set; }
    [SupplyParameterFromQuery(Name = "network")] public string? NetworkParameter { get; set; }
    [SupplyParameterFromQuery(Name = "campaign")] public string? CampaignParameter { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? FromParameter { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToParameter { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortParameter { get; set; }

    private MessageFilterQuery query = new();
    private List<string> warnings = [];
    private string? error;
    private string? mobileText;
    private string? pageText;
    private IReadOnlyList<MessageView> items = [];
    private int total;
    private bool loading = true;
    private MessageView? selected;
    private IReadOnlyList<string> senders = [];
    private IReadOnlyList<CampaignOption> campaigns = [];
    private ExportProgress? exportProgress;
    private bool exporting;
    private string today = "";
    private IDisposable? subscription;
    private DateTime lastRefresh;
    private string? loadedKey;
    private readonly CancellationTokenSource closing = new();

    private int PageNumber { get; set; } = 1;
    private int Skip => (PageNumber - 1) * PageSize;
    private int LastPage => Math.Max(1, (total + PageSize - 1) / PageSize);

    private string EmptyText => query.IsEmpty
        ? "No messages yet. Messages appear here as soon as a campaign or an API call sends them."
        : "No message matches these filters. Widen them, or clear the filters.";

    protected override async Task OnOrganisationReadyAsync()
    {
        today = DateOnly.FromDateTime(OrganisationTime.ToLocal(DateTime.UtcNow, User.TimeZoneOf()).DateTime).ToString(MessageFilterQuery.DateFormat, CultureInfo.InvariantCulture);
        senders = await Messages.SenderIdsAsync(OrganisationId);
        subscription = Changes.Subscribe(OrganisationId, RefreshLiveAsync);
    }

    protected override async Task OnParametersSetAsync()
    {
        var values = new Dictionary<string, string?>
        {
            ["status"] = StatusParameter, ["mobile"] = MobileParameter, ["sender"] = SenderParameter, ["source"] = SourceParameter,
            ["network"] = NetworkParameter, ["campaign"] = CampaignParameter, ["from"] = FromParameter, ["to"] = ToParameter, ["sort"] = SortParameter,
        };
        warnings = [];
        query = MessageFilterQuery.Parse(key => values.GetValueOrDefault(key), warnings);
        // Sender IDs match in any case; show the list's spelling when there is one.
        if (query.Sender is { } sender && senders.FirstOrDefault(s => s.Equals(sender, StringComparison.OrdinalIgnoreCase)) is { } listed)
            query = query with { Sender = listed };
        mobileText = query.Mobile;
        PageNumber = int.TryParse(PageParameter, out var page) && page > 0 ? page : 1;
        pageText = PageNumber.ToString(CultureInfo.InvariantCulture);

        // Opening or closing a message changes only the panel; the page stays as it is.
        var key = query.ToQueryString(new Dictionary<string, string?> { ["page"] = PageNumber.ToString(CultureInfo.InvariantCulture) });
        if (key != loadedKey)
        {
            loadedKey = key;
            await LoadAsync();
        }
        selected = Guid.TryParse(MessageParameter, out var id) ? items.FirstOrDefault(m => m.Id == id) ?? await Messages.GetAsync(OrganisationId, id) : null;
        if (query.Campaign is { } campaign && campaigns.All(c => c.Id != campaign))
            await LoadCampaignNameAsync(campaign);
    }

    private async Task LoadAsync()
    {
        loading = true;
        error = null;
        try
        {
            if (query.ToFilter(User.TimeZoneOf()) is not { } filter)
            {
                (items, total) = ([], 0);
                return;
            }
            (items, total) = await Messages.SearchAsync(OrganisationId, filter, Skip, PageSize);
            if (items.Count == 0 && total > 0)
                warnings.Add($"There is no page {PageNumber:N0}: these filters give {LastPage:N0} page{(LastPage == 1 ? "" : "s")}.");
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            (items, total) = ([], 0);
            warnings.Add("That campaign does not exist in your organisation; the campaign filter matches nothing.");
        }
        finally
        {
            loading = false;
        }
    }

    // A receipt or a dispatch batch changed something: refresh the visible rows in place, and the total.
    private async Task RefreshLiveAsync()
    {
        var wait = lastRefresh + MinRefreshInterval - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        lastRefresh = DateTime.UtcNow;
        var shown = items;
        var ids = shown.Select(m => m.Id).Append(selected?.Id ?? Guid.Empty).Where(i => i != Guid.Empty).Distinct().ToList();
        var latest = (await Messages.GetManyAsync(OrganisationId, ids)).ToDictionary(m => m.Id);
        var count = query.ToFilter(User.TimeZoneOf()) is { } filter ? await Messages.CountAsync(OrganisationId, filter) : 0;
        await InvokeAsync(() =>
        {
            if (!ReferenceEquals(shown, items))
                return; // the user moved on meanwhile
            items = shown.Select(m => latest.GetValueOrDefault(m.Id) ?? m).ToList();
            if (selected is not null && latest.TryGetValue(selected.Id, out var open))
                selected = open;
            total = count;
            StateHasChanged();
        });
    }

    // This view's URL with another page or message; the open message stays open unless another is chosen or it is closed.
    private string Link(int? page = null, Guid? message = null, bool close = false)
    {
        var extra = new Dictionary<string, string?>
        {
            ["page"] = (page ?? PageNumber) is > 1 and var p ? p.ToString(CultureInfo.InvariantCulture) : null,
            ["message"] = close ? null : (message ?? selected?.Id)?.ToString(),
        };
        return "messages" + query.ToQueryString(extra);
    }

    // A filter change starts again at page 1 and closes the panel.
    private Task ApplyAsync(MessageFilterQuery next)
    {
        Navigation.NavigateTo("messages" + next.ToQueryString());
        return Task.CompletedTask;
    }

    private Task ApplyMobileAsync() => ApplyAsync(query with { Mobile = string.IsNullOrWhiteSpace(mobileText) ? null : mobileText.Trim() });

    private Task JumpAsync()
    {
        if (int.TryParse(pageText, out var page))
            Navigation.NavigateTo(Link(page: Math.Clamp(page, 1, LastPage)));
        return Task.CompletedTask;
    }

    private Task OpenAsync(Guid id)
    {
        Navigation.NavigateTo(Link(message: id));
        return Task.CompletedTask;
    }

    private void RowRender(RowRenderEventArgs<MessageView> args)
    {
        if (args.Data?.Id is not { } id)
            return;
        if (id == selected?.Id)
            args.Attributes["class"] = "row-selected";
        args.Attributes["data-message-id"] = id.ToString();
    }

    private static DateOnly? Date(ChangeEventArgs e) =>
        DateOnly.TryParseExact(e.Value?.ToString(), MessageFilterQuery.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private async Task LoadCampaignsAsync(LoadDataArgs args)
    {
        var (found, _) = await Campaigns.ListAsync(OrganisationId, new CampaignFilter(Search: args.Filter), 0, 20);
        campaigns = found.Select(c => new CampaignOption(c.Id, c.Name)).ToList();
        if (query.Campaign is { } current && campaigns.All(c => c.Id != current))
            await LoadCampaignNameAsync(current);
    }

    private async Task LoadCampaignNameAsync(Guid id)
    {
        try
        {
            var campaign = await Campaigns.GetAsync(OrganisationId, id);
            campaigns = campaigns.Append(new CampaignOption(campaign.Id, campaign.Name)).ToList();
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            // Warned about when loading the page.
        }
    }

    // The browser downloads the file itself (to disk, as it streams); the page follows the server's progress.
    private async Task ExportAsync()
    {
        var exportId = Guid.NewGuid();
        exporting = true;
        exportProgress = new ExportProgress(0, total, false, null);
        var url = "messages/export.csv" + query.ToQueryString(new Dictionary<string, string?> { ["export"] = exportId.ToString() });
        await Js.InvokeVoidAsync("talkntalk.download", url);
        try
        {
            // Until the server reports the end, or says nothing for half a minute (the download never started).
            var lastNews = DateTime.UtcNow;
            while (!closing.IsCancellationRequested)
            {
                await Task.Delay(400, closing.Token);
                if (Exports.Find(OrganisationId, exportId) is { } progress && progress != exportProgress)
                {
                    (exportProgress, lastNews) = (progress, DateTime.UtcNow);
                    StateHasChanged();
                    if (progress.Done)
                        break;
                }
                else if (DateTime.UtcNow - lastNews > ExportSilence)
                {
                    exportProgress = exportProgress with { Done = true, Error = "The download did not start. Check your browser's downloads, then try again." };
                    break;
                }
            }
        }
        catch (TaskCanceledException) when (closing.IsCancellationRequested)
        {
            // The user left the page; the download carries on in the browser.
        }
        finally
        {
            exporting = false;
        }
    }

    public void Dispose()
    {
        subscription?.Dispose();
        closing.Cancel();
        closing.Dispose();
    }

    private sealed record CampaignOption(Guid Id, string Name);
}
