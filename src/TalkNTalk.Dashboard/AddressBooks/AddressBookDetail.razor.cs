using Microsoft.AspNetCore.Components;
using MudBlazor;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Phones;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.AddressBooks;

public partial class AddressBookDetail
{
    private static readonly int[] PageSizes = [25, 50, 100, 200];
    private static readonly DialogOptions FormOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };

    [Parameter] public Guid BookId { get; set; }

    /// <summary>Opens the book already searched, e.g. for a number from the message explorer.</summary>
    [SupplyParameterFromQuery(Name = "search")] public string? SearchParameter { get; set; }
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private MudDataGrid<ContactView>? grid;
    private AddressBookSummary? book;
    private bool notFound;
    private readonly ContactSelection selection = new();
    private ContactQuery query = new(Take: 50);
    private string? search;
    private ContactStatus? status;
    private Network? network;

    private bool CanEdit => User.IsInRole("Admin") || User.IsInRole("Member");

    private string SubtitleText => book is null ? "" :
        $"{book.ActiveContacts:N0} active · {book.TotalContacts - book.ActiveContacts:N0} opted out{(book.Description is null ? "" : " · " + book.Description)}";

    private string EmptyText => book?.TotalContacts == 0
        ? "This book is empty: import a CSV file or add a contact."
        : "No contact matches these filters.";

    private string SelectionText => selection.AllMatching
        ? $"All {selection.Count:N0} matching contacts selected"
        : $"{selection.Count:N0} selected";

    protected override async Task OnOrganisationReadyAsync()
    {
        try
        {
            book = await Books.GetAsync(OrganisationId, BookId);
            search = SearchParameter;
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            notFound = true;
        }
    }

    private async Task<GridData<ContactView>> LoadAsync(GridState<ContactView> state, CancellationToken ct)
    {
        var sort = ServerGrid.SortOf(state);
        query = query with
        {
            Search = search,
            Status = status,
            Network = network,
            Sort = Enum.TryParse<ContactSort>(sort?.Column, out var s) ? s : ContactSort.LastName,
            Descending = sort?.Descending == true,
        };
        var page = await ServerGrid.PageAsync(state, (skip, take) => Contacts.QueryAsync(OrganisationId, BookId, query with { Skip = skip, Take = take }, ct));
        selection.ShowPage(page.Items.ToList(), page.TotalItems);
        return page;
    }

    private async Task ReloadAsync()
    {
        selection.Clear();
        book = await Books.GetAsync(OrganisationId, BookId);
        if (grid is not null)
            await grid.ReloadServerData();
    }

    // The chosen rows, or (for "all matching") every contact the current search and filters match.
    private async Task<IReadOnlyCollection<long>> SelectedIdsAsync() => selection.AllMatching
        ? await Contacts.MatchingIdsAsync(OrganisationId, BookId, query)
        : selection.Picked.Select(c => c.Id).ToList();

    // "+254 712 345 678 (Wanjiku Kamau)", "3 contacts: …, …, …", or "all 1,204 contacts matching “kamau”".
    private string Describe(IReadOnlyCollection<ContactView>? contacts)
    {
        static string One(ContactView c) => c.FullName.Length > 0 ? $"{c.PrimaryAddress} ({c.FullName})" : c.PrimaryAddress;
        if (contacts is null && selection.AllMatching)
            return $"all {selection.Count:N0} contacts{(string.IsNullOrWhiteSpace(search) && status is null && network is null ? "" : " matching the search and filters")}";
        var list = contacts ?? selection.Picked;
        if (list.Count == 1)
            return One(list.First());
        var names = string.Join(", ", list.Take(3).Select(One));
        return $"{list.Count:N0} contacts: {names}{(list.Count > 3 ? $" and {list.Count - 3:N0} more" : "")}";
    }

    private async Task AddAsync()
    {
        var dialog = await Dialogs.ShowAsync<ContactForm>("Add contact", FormParameters(null), FormOptions);
        if (await dialog.Result is { Canceled: false, Data: ContactView added })
        {
            Snackbar.Add($"Contact added: {added.PrimaryAddress}", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(ContactView contact)
    {
        var dialog = await Dialogs.ShowAsync<ContactForm>($"Edit {contact.PrimaryAddress}", FormParameters(contact), FormOptions);
        if (await dialog.Result is { Canceled: false })
            await ReloadAsync();
    }

    // The addresses beside the mobile, each with its channel's icon.
    private static IEnumerable<(Channel Channel, string Address)> OtherAddresses(ContactView c)
    {
        if (c.Email is { } email)
            yield return (Channel.Email, email);
        if (c.TelegramChatId is { } chat)
            yield return (Channel.Telegram, chat);
        if (c.SlackUserId is { } member)
            yield return (Channel.Slack, member);
    }

    private DialogParameters<ContactForm> FormParameters(ContactView? contact) => new()
    {
        { f => f.OrganisationId, OrganisationId },
        { f => f.AddressBookId, BookId },
        { f => f.Contact, contact },
    };

    /// <param name="contacts">One row's contact, or null for the selection.</param>
    private async Task SetStatusAsync(IReadOnlyCollection<ContactView>? contacts, ContactStatus to)
    {
        var ids = contacts?.Select(c => c.Id).ToList() ?? await SelectedIdsAsync();
        var changed = await Contacts.SetStatusAsync(OrganisationId, BookId, ids, to);
        Snackbar.Add(to == ContactStatus.OptedOut
            ? $"{changed:N0} opted out: they will not receive messages from any address book."
            : $"{changed:N0} opted back in.", Severity.Success);
        await ReloadAsync();
    }

    private async Task RemoveAsync(IReadOnlyCollection<ContactView>? contacts)
    {
        if (!await Dialogs.AskAsync("Remove contacts", $"Remove {Describe(contacts)} from {book?.Name}? This cannot be undone.", "Remove"))
            return;
        var ids = contacts?.Select(c => c.Id).ToList() ?? await SelectedIdsAsync();
        var removed = await Contacts.RemoveAsync(OrganisationId, BookId, ids);
        Snackbar.Add($"{removed:N0} removed from {book?.Name}.", Severity.Success);
        await ReloadAsync();
    }

    private async Task TransferAsync(bool move)
    {
        var ids = await SelectedIdsAsync();
        var dialog = await Dialogs.ShowAsync<TransferForm>(move ? "Move contacts" : "Copy contacts", new DialogParameters<TransferForm>
        {
            { f => f.OrganisationId, OrganisationId },
            { f => f.AddressBookId, BookId },
            { f => f.ContactIds, ids },
            { f => f.Move, move },
        }, FormOptions);
        if (await dialog.Result is { Canceled: false, Data: TransferResult done })
        {
            Snackbar.Add($"{done.Transferred:N0} {(move ? "moved" : "copied")}."
                + (done.AlreadyThere > 0 ? $" {done.AlreadyThere:N0} were already in that book." : ""), Severity.Success);
            await ReloadAsync();
        }
    }
}
