using Microsoft.AspNetCore.Components;
using Radzen;
using Radzen.Blazor;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Dashboard.AddressBooks;

public partial class AddressBookDetail
{
    [Parameter] public Guid BookId { get; set; }

    /// <summary>Opens the book already searched, e.g. for a number from the message explorer.</summary>
    [SupplyParameterFromQuery(Name = "search")] public string? SearchParameter { get; set; }
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private RadzenDataGrid<ContactView>? grid;
    private AddressBookSummary? book;
    private bool notFound;
    private IReadOnlyList<ContactView> contacts = [];
    private int total;
    private bool loading;
    private IList<ContactView> selected = [];
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

    protected override async Task OnOrganisationReadyAsync()
    {
        try
        {
            book = await Books.GetAsync(OrganisationId, BookId);
            search = SearchParameter;
            query = query with { Search = search };
            // LoadData does not run during prerendering: load the first page here.
            (contacts, total) = await Contacts.QueryAsync(OrganisationId, BookId, query);
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            notFound = true;
        }
    }

    private async Task LoadAsync(LoadDataArgs args)
    {
        loading = true;
        var sort = args.Sorts?.FirstOrDefault();
        query = query with
        {
            Search = search,
            Status = status,
            Network = network,
            Skip = args.Skip ?? 0,
            Take = args.Top ?? 50,
            Sort = Enum.TryParse<ContactSort>(sort?.Property, out var s) ? s : ContactSort.LastName,
            Descending = sort?.SortOrder == SortOrder.Descending,
        };
        (contacts, total) = await Contacts.QueryAsync(OrganisationId, BookId, query);
        loading = false;
    }

    private async Task ReloadAsync()
    {
        selected = [];
        book = await Books.GetAsync(OrganisationId, BookId);
        if (grid is not null)
            await grid.FirstPage(forceReload: true);
    }

    private void Toggle(ContactView contact)
    {
        if (!selected.Remove(contact))
            selected.Add(contact);
    }

    private static IReadOnlyCollection<long> Ids(IEnumerable<ContactView> contacts) => contacts.Select(c => c.Id).ToList();

    private static string Display(string msisdn) => PhoneNumber.TryParse(msisdn, out var phone, out _) ? phone.Display : msisdn;

    private async Task AddAsync()
    {
        if (await Dialogs.OpenAsync<ContactForm>("Add contact", FormParameters(null), new DialogOptions { Width = "520px" }) is ContactView added)
        {
            Notifications.Notify(NotificationSeverity.Success, "Contact added", Display(added.Mobile));
            await ReloadAsync();
        }
    }

    private async Task EditAsync(ContactView contact)
    {
        if (await Dialogs.OpenAsync<ContactForm>($"Edit {Display(contact.Mobile)}", FormParameters(contact), new DialogOptions { Width = "520px" }) is not null)
            await ReloadAsync();
    }

    private Dictionary<string, object?> FormParameters(ContactView? contact) => new()
    {
        [nameof(ContactForm.OrganisationId)] = OrganisationId,
        [nameof(ContactForm.AddressBookId)] = BookId,
        [nameof(ContactForm.Contact)] = contact,
    };

    private async Task SetStatusAsync(IReadOnlyCollection<long> ids, ContactStatus to)
    {
        var changed = await Contacts.SetStatusAsync(OrganisationId, BookId, ids, to);
        Notifications.Notify(NotificationSeverity.Success,
            to == ContactStatus.OptedOut ? $"{changed:N0} opted out" : $"{changed:N0} opted back in",
            to == ContactStatus.OptedOut ? "They will not receive messages from any address book." : "");
        await ReloadAsync();
    }

    private async Task RemoveAsync(IReadOnlyCollection<long> ids)
    {
        var confirmed = await Dialogs.Confirm($"Remove {ids.Count:N0} contact{(ids.Count == 1 ? "" : "s")} from {book?.Name}?", "Remove contacts",
            new ConfirmOptions { OkButtonText = "Remove", CancelButtonText = "Cancel" });
        if (confirmed != true)
            return;
        var removed = await Contacts.RemoveAsync(OrganisationId, BookId, ids);
        Notifications.Notify(NotificationSeverity.Success, $"{removed:N0} removed");
        await ReloadAsync();
    }

    private async Task TransferAsync(bool move)
    {
        var result = await Dialogs.OpenAsync<TransferForm>(move ? "Move contacts" : "Copy contacts", new Dictionary<string, object?>
        {
            [nameof(TransferForm.OrganisationId)] = OrganisationId,
            [nameof(TransferForm.AddressBookId)] = BookId,
            [nameof(TransferForm.ContactIds)] = Ids(selected),
            [nameof(TransferForm.Move)] = move,
        }, new DialogOptions { Width = "480px" });
        if (result is TransferResult done)
        {
            Notifications.Notify(NotificationSeverity.Success, $"{done.Transferred:N0} {(move ? "moved" : "copied")}",
                done.AlreadyThere > 0 ? $"{done.AlreadyThere:N0} were already in that book." : "");
            await ReloadAsync();
        }
    }
}
