using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Pricing;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.Compose;

/// <summary>Compose and send: recipients, sender, message with live segment and cost figures, schedule, confirm.</summary>
public partial class ComposePage
{
    [Inject] private AddressBookService Books { get; set; } = default!;
    [Inject] private ContactService Contacts { get; set; } = default!;
    [Inject] private RecipientResolver Resolver { get; set; } = default!;
    [Inject] private SenderIdService Senders { get; set; } = default!;
    [Inject] private WalletService Wallets { get; set; } = default!;
    [Inject] private CampaignService Campaigns { get; set; } = default!;
    [Inject] private CampaignQueries CampaignQueries { get; set; } = default!;
    [Inject] private MessagePricing Pricing { get; set; } = default!;
    [Inject] private IOptions<SendingOptions> Sending { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    /// <summary>Preselects an address book, from the book page's "Send to this book".</summary>
    [SupplyParameterFromQuery(Name = "book")] private Guid? PreselectedBook { get; set; }

    /// <summary>Starts from an earlier campaign, from the campaign page's "Duplicate".</summary>
    [SupplyParameterFromQuery(Name = "from")] private Guid? FromCampaign { get; set; }

    private IReadOnlyList<BookOption> books = [];
    private IReadOnlyList<SenderOption>? senders;
    private string? senderName;
    private string? campaignName;
    private string message = "";
    private IReadOnlyList<string> mergeTags = ["{first_name}", "{last_name}"];
    private ComposeRecipients recipients = default!;
    private bool later;
    private DateTime? scheduleLocal;
    private bool sending;
    private decimal pricePerSegment;
    private decimal balance;
    private readonly FormErrors errors = new();

    private SenderOption? SelectedSender => senders?.FirstOrDefault(s => s.Name == senderName);

    private DateTime LocalNow => OrganisationTime.ToLocal(Clock.GetUtcNow().UtcDateTime, User.TimeZoneOf()).DateTime;

    /// <summary>The send as Core works it out: the sample recipient's body (opt-out text included), parts, cost, when, refusals.</summary>
    private SendQuote Quote => Campaigns.Quote(message, recipients.Sample, SelectedSender?.Category ?? SenderIdCategory.Transactional,
        recipients.Count, recipients.NumberList.Count, ScheduleUtc);

    private ComposeWording Wording(SendQuote quote) => new(quote, PromotionalWindow.Describe(Sending.Value), Local);

    private string? BlockedReason(SendQuote quote) => Wording(quote).BlockedReason(message, recipients.Count);

    private string WhenText(SendQuote quote) => Wording(quote).When;

    private string? WindowNotice => Wording(Quote).WindowNotice(SelectedSender?.Category);

    private DateTime? ScheduleUtc => later && scheduleLocal is { } local
        ? OrganisationTime.ToUtc(local, User.TimeZoneOf())
        : null;

    protected override void OnInitialized() => recipients = new ComposeRecipients(Resolver, Contacts, TimeSpan.FromMilliseconds(250));

    protected override async Task OnOrganisationReadyAsync()
    {
        books = (await Books.ListAllAsync(OrganisationId)).Select(b => new BookOption(b.Id, $"{b.Name} ({b.ActiveContacts:N0})")).ToList();
        var approved = (await Senders.ListAsync(OrganisationId)).Where(s => s.Status == SenderIdStatus.Approved).ToList();
        senders = approved.Select(s => new SenderOption(s.Name, s.Category, $"{s.Name} · {s.Category.ToString().ToLowerInvariant()}{(s.IsDefault ? " · default" : "")}")).ToList();
        senderName = approved.FirstOrDefault(s => s.IsDefault)?.Name ?? approved.FirstOrDefault()?.Name;
        pricePerSegment = Pricing.CostOf(1);
        await RefreshBalanceAsync();
        if (PreselectedBook is { } book && books.Any(b => b.Id == book))
            await OnBooksChanged([book]);
        if (FromCampaign is { } from && await CampaignQueries.DraftFromAsync(OrganisationId, from) is { } draft)
        {
            var copy = $"Copy of {draft.Name}";
            campaignName = copy.Length > Campaign.MaxNameLength ? copy[..Campaign.MaxNameLength] : copy;
            message = draft.Message;
            if (senders.Any(s => s.Name == draft.SenderId))
                senderName = draft.SenderId;
            await OnBooksChanged(draft.AddressBookIds.Where(id => books.Any(b => b.Id == id)).ToList());
        }
    }

    private void Insert(string placeholder) =>
        message = (message.Length > 0 && !message.EndsWith(' ') ? message + " " : message) + placeholder;

    private async Task OnBooksChanged(IReadOnlyCollection<Guid>? value)
    {
        mergeTags = await Campaigns.MergeTagsAsync(OrganisationId, value?.ToList() ?? []);
        await recipients.SetBooksAsync(OrganisationId, value);
    }

    private Task OnNumbersChanged(string value) => recipients.SetNumbersAsync(OrganisationId, value);

    /// <summary>Reads a small file of numbers into the pasted numbers; a big list belongs in an address book.</summary>
    private async Task UploadNumbersAsync(Microsoft.AspNetCore.Components.Forms.InputFileChangeEventArgs e)
    {
        errors.Clear();
        if (e.File.Size > ComposeRecipients.MaxFileBytes)
        {
            errors.Add("recipients", $"{e.File.Name} is larger than 1 MB: for big lists, import them into an address book instead.");
            return;
        }
        await recipients.AddFileAsync(OrganisationId, e.File.OpenReadStream(ComposeRecipients.MaxFileBytes));
    }

    private async Task ConfirmAsync()
    {
        var quote = Quote;
        if (sending || BlockedReason(quote) is not null)
            return;
        errors.Clear();
        if (later && ScheduleUtc is null)
        {
            errors.Add("scheduledAt", "Choose when to send, or untick “Send later”.");
            return;
        }
        // The confirm names the exact amount the send reserves: every recipient's own message priced, not the sample's.
        var request = Request(recipients.Books, recipients.NumberList, campaignName, ScheduleUtc);
        SendEstimate? estimate = null;
        if (!await errors.TryAsync(async () => estimate = await Campaigns.EstimateAsync(request)) || estimate is null)
            return;
        var parts = estimate.Cost == quote.TotalCost ? $" ({quote.Analysis.Segments} part{(quote.Analysis.Segments == 1 ? "" : "s")} each)" : " (personalised messages differ in length)";
        if (!await Dialogs.AskAsync("Send campaign",
                $"Send to {estimate.Messages:N0} recipient{(estimate.Messages == 1 ? "" : "s")} from {senderName} {WhenText(quote)}? It reserves {Money.Display(estimate.Cost)}{parts}.",
                later ? "Schedule" : "Send"))
            return;
        sending = true;
        SendResult? result = null;
        if (await errors.TryAsync(async () => result = await Campaigns.SendToAddressBooksAsync(request)) && result?.CampaignId is { } id)
        {
            Navigation.NavigateTo($"campaigns/{id}");
            return;
        }
        sending = false;
    }

    private SendQuote TestQuote => Campaigns.Quote(message, recipients.Sample, SelectedSender?.Category ?? SenderIdCategory.Transactional, 1);

    /// <summary>The test to one number: a one-recipient campaign named as a test, sent now.</summary>
    private SendRequest TestRequest(string number) =>
        Request([], [number], $"Test: {(string.IsNullOrWhiteSpace(campaignName) ? Local(Clock.GetUtcNow().UtcDateTime) : campaignName.Trim())}", null);

    private async Task RefreshBalanceAsync() => balance = (await Wallets.GetBalanceAsync(OrganisationId)).Available;

    private SendRequest Request(IReadOnlyCollection<Guid> bookIds, IReadOnlyCollection<string> to, string? name, DateTime? scheduledAt) => new()
    {
        OrganisationId = OrganisationId,
        Name = name,
        Message = message,
        SenderId = senderName,
        AddressBookIds = bookIds,
        Numbers = to,
        ScheduledAt = scheduledAt,
        Source = Core.Campaigns.MessageSource.Web,
        CreatedBy = User.EmailOf(),
    };

    private sealed record BookOption(Guid Id, string Label);

    public sealed record SenderOption(string Name, SenderIdCategory Category, string Label);
}
