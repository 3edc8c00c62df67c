using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Radzen;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Pricing;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.Compose;

/// <summary>Compose and send: recipients, sender, message with live segment and cost figures, schedule, confirm.</summary>
public partial class ComposePage
{
    private static readonly string[] Placeholders = ["{first_name}", "{last_name}"];

    [Inject] private AddressBookService Books { get; set; } = default!;
    [Inject] private ContactService Contacts { get; set; } = default!;
    [Inject] private RecipientResolver Resolver { get; set; } = default!;
    [Inject] private SenderIdService Senders { get; set; } = default!;
    [Inject] private WalletService Wallets { get; set; } = default!;
    [Inject] private CampaignService Campaigns { get; set; } = default!;
    [Inject] private SmsPricing Pricing { get; set; } = default!;
    [Inject] private IOptions<SendingOptions> Sending { get; set; } = default!;
    [Inject] private DialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    /// <summary>Preselects an address book, from the book page's "Send to this book".</summary>
    [SupplyParameterFromQuery(Name = "book")] private Guid? PreselectedBook { get; set; }

    private IReadOnlyList<BookOption> books = [];
    private IReadOnlyList<SenderOption>? senders;
    private IEnumerable<Guid> selectedBooks = [];
    private string? numbers;
    private string? senderName;
    private string message = "";
    private SmsAnalysis analysis = SmsText.Analyse("");
    private Recipient sample = new("254712345678", Network.Safaricom, "Wanjiku", "Kamau", null);
    private int recipientCount;
    private List<string> invalidNumbers = [];
    private bool counting;
    private bool later;
    private DateTime? scheduleLocal;
    private bool sending;
    private decimal pricePerSegment;
    private decimal balance;
    private readonly FormErrors errors = new();
    private CancellationTokenSource? countDebounce;

    private SenderOption? SelectedSender => senders?.FirstOrDefault(s => s.Name == senderName);

    private DateTime LocalNow => OrganisationTime.ToLocal(Clock.GetUtcNow().UtcDateTime, User.TimeZoneOf()).DateTime;

    /// <summary>The message as the sample recipient would get it, opt-out text included.</summary>
    private string Preview => CampaignService.Personalise(message, sample) + (SelectedSender?.Category == SenderIdCategory.Promotional ? "\n" + Sending.Value.OptOutSuffix : "");

    private string? WindowNotice
    {
        get
        {
            if (SelectedSender?.Category != SenderIdCategory.Promotional)
                return null;
            var at = ScheduleUtc ?? Clock.GetUtcNow().UtcDateTime;
            var opens = PromotionalWindow.NextOpen(at, Sending.Value);
            var window = $"{Sending.Value.PromotionalWindowStart:HH\\:mm}–{Sending.Value.PromotionalWindowEnd:HH\\:mm}";
            return opens == at
                ? $"Promotional: sent inside the {window} window, with the opt-out text."
                : $"Promotional messages go out only between {window}. This send will wait until {OrganisationTime.ToLocal(opens, User.TimeZoneOf()):d MMM, HH:mm}.";
        }
    }

    private DateTime? ScheduleUtc => later && scheduleLocal is { } local
        ? OrganisationTime.ToUtc(local, User.TimeZoneOf())
        : null;

    protected override async Task OnOrganisationReadyAsync()
    {
        books = (await Books.ListAllAsync(OrganisationId)).Select(b => new BookOption(b.Id, $"{b.Name} ({b.ActiveContacts:N0})")).ToList();
        var approved = (await Senders.ListAsync(OrganisationId)).Where(s => s.Status == SenderIdStatus.Approved).ToList();
        senders = approved.Select(s => new SenderOption(s.Name, s.Category, $"{s.Name} · {s.Category.ToString().ToLowerInvariant()}{(s.IsDefault ? " · default" : "")}")).ToList();
        senderName = approved.FirstOrDefault(s => s.IsDefault)?.Name ?? approved.FirstOrDefault()?.Name;
        pricePerSegment = Pricing.CostOf(1);
        balance = (await Wallets.GetBalanceAsync(OrganisationId)).Available;
        Analyse();
        if (PreselectedBook is { } book && books.Any(b => b.Id == book))
            await OnBooksChanged([book]);
    }

    private void OnMessageInput(ChangeEventArgs e)
    {
        message = e.Value as string ?? "";
        Analyse();
    }

    private void Insert(string placeholder)
    {
        message = (message.Length > 0 && !message.EndsWith(' ') ? message + " " : message) + placeholder;
        Analyse();
    }

    private void Analyse() => analysis = SmsText.Analyse(Preview);

    private Task OnBooksChanged(IEnumerable<Guid> value)
    {
        selectedBooks = value.ToList();
        return RecountAsync();
    }

    private Task OnNumbersChanged(string value)
    {
        numbers = value;
        return RecountAsync();
    }

    // Resolving 300,000 contacts takes a moment: wait for the user to pause, then count the real union.
    private async Task RecountAsync()
    {
        countDebounce?.Cancel();
        countDebounce = new CancellationTokenSource();
        var token = countDebounce.Token;
        counting = true;
        try
        {
            await Task.Delay(250, token);
            var unique = new HashSet<string>(StringComparer.Ordinal);
            var bookIds = selectedBooks.ToList();
            if (bookIds.Count > 0)
            {
                var resolved = await Resolver.ResolveAsync(OrganisationId, bookIds, ct: token);
                unique.UnionWith(resolved.Recipients.Select(r => r.Mobile));
                var first = (await Contacts.QueryAsync(OrganisationId, bookIds[0], new ContactQuery(Status: ContactStatus.Active, Take: 1), token)).Items.FirstOrDefault();
                if (first is not null)
                    sample = new Recipient(first.Mobile, first.Network, first.FirstName, first.LastName, ContactFields.Serialize(first.CustomFields));
            }
            invalidNumbers = [];
            foreach (var raw in SplitNumbers(numbers))
            {
                if (PhoneNumber.TryParse(raw, out var phone, out _))
                    unique.Add(phone.Msisdn);
                else
                    invalidNumbers.Add(raw);
            }
            recipientCount = unique.Count;
            counting = false;
            Analyse();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads a small file of numbers (the first field of each line) into the pasted numbers.</summary>
    private async Task UploadNumbersAsync(Microsoft.AspNetCore.Components.Forms.InputFileChangeEventArgs e)
    {
        errors.Clear();
        const long maxBytes = 1024 * 1024;
        if (e.File.Size > maxBytes)
        {
            errors.Add("recipients", $"{e.File.Name} is larger than 1 MB: for big lists, import them into an address book instead.");
            return;
        }
        using var reader = new StreamReader(e.File.OpenReadStream(maxBytes));
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var first = line.Split([',', ';', '\t'])[0].Trim().Trim('"');
            if (first.Any(char.IsDigit))
                lines.Add(first);
        }
        await OnNumbersChanged(string.Join('\n', SplitNumbers(numbers).Concat(lines)));
    }

    private static List<string> SplitNumbers(string? text) =>
        (text ?? "").Split(['\n', '\r', ',', ';', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private async Task ConfirmAsync()
    {
        if (sending)
            return;
        errors.Clear();
        if (later && ScheduleUtc is null)
        {
            errors.Add("scheduledAt", "Choose when to send, or untick “Send later”.");
            return;
        }
        var cost = recipientCount * analysis.Segments * pricePerSegment;
        var when = ScheduleUtc is { } at ? $"at {OrganisationTime.ToLocal(at, User.TimeZoneOf()):d MMM yyyy, HH:mm}" : "now";
        var confirmed = await Dialogs.Confirm(
            $"Send to {recipientCount:N0} recipient{(recipientCount == 1 ? "" : "s")} from {senderName} {when}? Estimated cost {Money.Display(cost)} ({analysis.Segments} part{(analysis.Segments == 1 ? "" : "s")} each).",
            "Send campaign", new ConfirmOptions { OkButtonText = later ? "Schedule" : "Send", CancelButtonText = "Back" });
        if (confirmed != true)
            return;
        sending = true;
        SendResult? result = null;
        var request = new SendRequest
        {
            OrganisationId = OrganisationId,
            Message = message,
            SenderId = senderName,
            AddressBookIds = selectedBooks.ToList(),
            Numbers = SplitNumbers(numbers),
            ScheduledAt = ScheduleUtc,
            Source = Core.Campaigns.MessageSource.Web,
            CreatedBy = User.EmailOf(),
        };
        if (await errors.TryAsync(async () => result = await Campaigns.SendToAddressBooksAsync(request)) && result?.CampaignId is { } id)
        {
            Navigation.NavigateTo($"campaigns/{id}");
            return;
        }
        sending = false;
    }

    private sealed record BookOption(Guid Id, string Label);

    public sealed record SenderOption(string Name, SenderIdCategory Category, string Label);
}
