using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.Messages;

/// <summary>
/// Every message of the organisation, filtered, paged and sorted on the server. The URL is the state: filters, page
/// and the open message are query parameters, so reloading, bookmarking and sharing give the same view. The grid asks
/// for its rows through <c>ServerData</c>, which reads the page from the URL (the grid has no pager of its own).
/// Statuses on the visible page follow delivery receipts live, without moving the rows.
/// </summary>
public partial class MessageExplorer
{
    private const int PageSize = 50;
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);

    [Inject] private MessageQueries Messages { get; set; } = default!;
    [Inject] private OrganisationCampaignsNotifier Changes { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "page")] public string? PageParameter { get; set; }
    [SupplyParameterFromQuery(Name = "message")] public string? MessageParameter { get; set; }
    [SupplyParameterFromQuery(Name = "status")] public string? StatusParameter { get; set; }
    [SupplyParameterFromQuery(Name = "channel")] public string? ChannelParameter { get; set; }
    [SupplyParameterFromQuery(Name = "address")] public string? AddressParameter { get; set; }
    [SupplyParameterFromQuery(Name = "mobile")] public string? MobileParameter { get; set; }
    [SupplyParameterFromQuery(Name = "sender")] public string? SenderParameter { get; set; }
    [SupplyParameterFromQuery(Name = "source")] public string? SourceParameter { get; set; }
    [SupplyParameterFromQuery(Name = "network")] public string? NetworkParameter { get; set; }
    [SupplyParameterFromQuery(Name = "campaign")] public string? CampaignParameter { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? FromParameter { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToParameter { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortParameter { get; set; }

    private MudDataGrid<MessageView>? grid;
    private MessageFilterQuery query = new();
    private List<string> parseWarnings = [];
    private List<string> loadWarnings = [];
    private string? pageText;
    private IReadOnlyList<MessageView> items = [];
    // The visible rows as the latest live refresh read them; the grid keeps its rows, the cells show these values.
    private Dictionary<Guid, MessageView> fresh = [];
    private int total;
    private MessageView? selected;
    private IReadOnlyList<string> senders = [];
    private MessageExport export = default!;
    private string today = "";
    private string? loadedKey;

    private IEnumerable<string> Warnings => parseWarnings.Concat(loadWarnings);

    private int PageNumber { get; set; } = 1;
    private int Skip => Paging.SkipFor(PageNumber, PageSize);
    private int LastPage => Math.Max(1, (total + PageSize - 1) / PageSize);

    private string EmptyTitle => query.IsEmpty ? "No messages yet" : "No message matches these filters";

    private string EmptyText => query.IsEmpty
        ? "Messages appear here as soon as a campaign or an API call sends them."
        : "Widen the filters, or clear them.";

    protected override async Task OnOrganisationReadyAsync()
    {
        today = DateOnly.FromDateTime(OrganisationTime.ToLocal(DateTime.UtcNow, User.TimeZoneOf()).DateTime).ToString(MessageFilterQuery.DateFormat, CultureInfo.InvariantCulture);
        senders = await Messages.SenderIdsAsync(OrganisationId);
    }

    protected override async Task OnParametersSetAsync()
    {
        var values = new Dictionary<string, string?>
        {
            ["status"] = StatusParameter, ["channel"] = ChannelParameter, ["address"] = AddressParameter, ["mobile"] = MobileParameter, ["sender"] = SenderParameter, ["source"] = SourceParameter,
            ["network"] = NetworkParameter, ["campaign"] = CampaignParameter, ["from"] = FromParameter, ["to"] = ToParameter, ["sort"] = SortParameter,
        };
        var parsed = new List<string>();
        query = MessageFilterQuery.Parse(key => values.GetValueOrDefault(key), parsed);
        // Sender IDs match in any case; show the list's spelling when there is one.
        if (query.Sender is { } sender && senders.FirstOrDefault(s => s.Equals(sender, StringComparison.OrdinalIgnoreCase)) is { } listed)
            query = query with { Sender = listed };
        PageNumber = int.TryParse(PageParameter, out var page) && page > 0 ? page : 1;
        pageText = PageNumber.ToString(CultureInfo.InvariantCulture);
        selected = Guid.TryParse(MessageParameter, out var id) ? fresh.GetValueOrDefault(id) ?? items.FirstOrDefault(m => m.Id == id) ?? await Messages.GetAsync(OrganisationId, id) : null;

        // Opening or closing a message changes only the panel; the rows stay as they are.
        var key = query.ToQueryString(new Dictionary<string, string?> { ["page"] = PageNumber.ToString(CultureInfo.InvariantCulture) });
        parseWarnings = parsed;
        if (key == loadedKey)
            return;
        loadedKey = key;
        if (grid is not null)
            await grid.ReloadServerData(); // the first render loads by itself
    }

    // The grid's ServerData: the page and filters come from the URL, not from the grid's state.
    private async Task<GridData<MessageView>> LoadPageAsync(GridState<MessageView> state, CancellationToken ct)
    {
        loadWarnings = [];
        try
        {
            if (query.ToFilter(User.TimeZoneOf()) is not { } filter)
                (items, total) = ([], 0);
            else
            {
                (items, total) = await Messages.SearchAsync(OrganisationId, filter, Skip, PageSize, ct);
                if (items.Count == 0 && total > 0)
                    loadWarnings.Add($"There is no page {PageNumber:N0}: these filters give {LastPage:N0} page{(LastPage == 1 ? "" : "s")}.");
            }
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            (items, total) = ([], 0);
            loadWarnings.Add("That campaign does not exist in your organisation; the campaign filter matches nothing.");
        }
        fresh = [];
        StateHasChanged();
        return new GridData<MessageView> { Items = items, TotalItems = total };
    }

    private MessageView Row(MessageView m) => fresh.GetValueOrDefault(m.Id) ?? m;

    // A receipt or a dispatch batch changed something: re-read the visible rows in place, and the total.
    private async Task RefreshLiveAsync()
    {
        var shown = items;
        var ids = shown.Select(m => m.Id).Append(selected?.Id ?? Guid.Empty).Where(i => i != Guid.Empty).Distinct().ToList();
        var latest = (await Messages.GetManyAsync(OrganisationId, ids)).ToDictionary(m => m.Id);
        var count = query.ToFilter(User.TimeZoneOf()) is { } filter ? await Messages.CountAsync(OrganisationId, filter) : 0;
        if (!ReferenceEquals(shown, items))
            return; // the user moved on meanwhile
        fresh = latest;
        if (selected is not null && latest.TryGetValue(selected.Id, out var open))
            selected = open;
        total = count;
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
    private void Apply(MessageFilterQuery next) => Navigation.NavigateTo("messages" + next.ToQueryString());

    private void Jump()
    {
        if (int.TryParse(pageText, out var page))
            Navigation.NavigateTo(Link(page: Math.Clamp(page, 1, LastPage)));
    }

    private void Open(Guid id) => Navigation.NavigateTo(Link(message: id));
}
