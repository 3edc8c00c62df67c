using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Pricing;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.Compose;

/// <summary>
/// Compose and send on any channel: the channel first, then recipients (with who the channel reaches), the origin, the
/// body (a subject for e-mail; a template or text for WhatsApp) with live length and cost figures, schedule, confirm.
/// </summary>
public partial class ComposePage
{
    [Inject] private AddressBookService Books { get; set; } = default!;
    [Inject] private ContactService Contacts { get; set; } = default!;
    [Inject] private RecipientResolver Resolver { get; set; } = default!;
    [Inject] private SenderIdService Senders { get; set; } = default!;
    [Inject] private WhatsAppTemplates Templates { get; set; } = default!;
    [Inject] private WalletService Wallets { get; set; } = default!;
    [Inject] private CampaignService Campaigns { get; set; } = default!;
    [Inject] private CampaignQueries CampaignQueries { get; set; } = default!;
    [Inject] private MessagePricing Pricing { get; set; } = default!;
    [Inject] private IOptions<SendingOptions> Sending { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    /// <summary>Preselects an address book, from the book page's "Send to this book".</summary>
    [SupplyParameterFromQuery(Name = "book")] private Guid? PreselectedBook { get; set; }

    /// <summary>Starts from an earlier campaign, from the campaign page's "Duplicate".</summary>
    [SupplyParameterFromQuery(Name = "from")] private Guid? FromCampaign { get; set; }

    /// <summary>Preselects the channel by its API name (<c>?channel=email</c>).</summary>
    [SupplyParameterFromQuery(Name = "channel")] private string? ChannelName { get; set; }

    private IReadOnlyList<BookOption> books = [];
    private IReadOnlyList<SenderIdView>? approved;
    private IReadOnlyList<SenderOption> senders = [];
    private IReadOnlyList<WhatsAppTemplateView> templates = [];
    private Channel channel = Channel.Sms;
    private string? senderName;
    private string? campaignName;
    private string? subject;
    private string message = "";
    private readonly TemplateDraft template = new();
    private IReadOnlyList<string> mergeTags = ["{first_name}", "{last_name}"];
    private ComposeRecipients recipients = default!;
    private bool later;
    private DateTime? scheduleLocal;
    private bool sending;
    private decimal pricePerSegment;
    private decimal balance;
    private readonly FormErrors errors = new();

    private SenderOption? SelectedSender => senders.FirstOrDefault(s => s.Name == senderName);

    /// <summary>Who the send comes from, as people read it; Slack without a bot of its own goes as the workspace's.</summary>
    private string SenderShown => SelectedSender?.Shown ?? (ChannelRules.NeedsOrigin(channel) ? "—" : "your workspace's bot");

    private bool UsesTemplate => channel == Channel.WhatsApp && template.Use;

    /// <summary>What every recipient's message is made from: the text, or the WhatsApp template as Core stores it.</summary>
    private string Content => UsesTemplate ? template.ToTemplate()?.ToBody() ?? "" : message;

    private DateTime LocalNow => OrganisationTime.ToLocal(Clock.GetUtcNow().UtcDateTime, User.TimeZoneOf()).DateTime;

    /// <summary>The send as Core works it out: the sample recipient's body (opt-out text included), parts, cost, when, refusals.</summary>
    private SendQuote Quote => Campaigns.Quote(Content, recipients.Sample, SelectedSender?.Category ?? SenderIdCategory.Transactional,
        recipients.Count, recipients.NumbersToSend.Count, ScheduleUtc, channel);

    /// <summary>What the channel still lacks before anything can go: an origin, the e-mail's subject, the template's parameters.</summary>
    private string? DraftProblem =>
        senders.Count == 0 && ChannelRules.NeedsOrigin(channel) ? $"Send is off: your organisation has {ComposeOrigin.Missing(channel)} (see above)."
        : channel == Channel.Email && string.IsNullOrWhiteSpace(subject) ? "Write the e-mail's subject."
        : UsesTemplate ? template.Problem
        : null;

    private ComposeWording Wording(SendQuote quote) => new(quote, PromotionalWindow.Describe(Sending.Value), Local);

    private string? BlockedReason(SendQuote quote) => Wording(quote).BlockedReason(Content, recipients.Count, channel, DraftProblem);

    private string WhenText(SendQuote quote) => Wording(quote).When;

    private string? WindowNotice => channel == Channel.Sms ? Wording(Quote).WindowNotice(SelectedSender?.Category) : null;

    private string PreviewBody(SendQuote quote) => UsesTemplate ? template.Preview(quote) : quote.Body;

    private DateTime? ScheduleUtc => later && scheduleLocal is { } local
        ? OrganisationTime.ToUtc(local, User.TimeZoneOf())
        : null;

    protected override void OnInitialized() => recipients = new ComposeRecipients(Resolver, Contacts, TimeSpan.FromMilliseconds(250));

    protected override async Task OnOrganisationReadyAsync()
    {
        books = (await Books.ListAllAsync(OrganisationId)).Select(b => new BookOption(b.Id, $"{b.Name} ({b.ActiveContacts:N0})")).ToList();
        approved = (await Senders.ListAsync(OrganisationId)).Where(s => s.Status == SenderIdStatus.Approved).ToList();
        pricePerSegment = Pricing.CostOf(1);
        await RefreshBalanceAsync();
        var draft = FromCampaign is { } from ? await CampaignQueries.DraftFromAsync(OrganisationId, from) : null;
        await OnChannelChanged(draft?.Channel ?? (ChannelNames.TryParse(ChannelName, out var chosen) ? chosen : Channel.Sms));
        if (PreselectedBook is { } book && books.Any(b => b.Id == book))
            await OnBooksChanged([book]);
        if (draft is not null)
            await StartFromAsync(draft);
    }

    // A duplicated campaign: its name, channel, body (or WhatsApp template), subject, sender and books.
    private async Task StartFromAsync(CampaignDraft draft)
    {
        var copy = $"Copy of {draft.Name}";
        campaignName = copy.Length > Campaign.MaxNameLength ? copy[..Campaign.MaxNameLength] : copy;
        subject = draft.Subject;
        if (!(channel == Channel.WhatsApp && template.TryRestore(draft.Message, templates)))
            (message, template.Use) = (WhatsAppTemplate.TryParse(draft.Message, out _) ? "" : draft.Message, false);
        if (senders.Any(s => s.Name == draft.SenderId))
            senderName = draft.SenderId;
        await OnBooksChanged(draft.AddressBookIds.Where(id => books.Any(b => b.Id == id)).ToList());
    }

    private async Task OnChannelChanged(Channel value)
    {
        channel = value;
        errors.Clear();
        senders = approved!.Where(s => s.Channel == value).Select(SenderOption.Of).ToList();
        senderName = senders.FirstOrDefault(s => s.IsDefault)?.Name ?? senders.FirstOrDefault()?.Name;
        if (value == Channel.WhatsApp)
        {
            templates = await Templates.ListAsync(OrganisationId);
            // A business may start a WhatsApp conversation only with an approved template, so that comes first when there is one.
            if (template.Template is null)
                template.Use = templates.Count > 0;
        }
        await recipients.SetChannelAsync(OrganisationId, value);
    }

    private void Insert(string placeholder)
    {
        if (UsesTemplate)
            template.Insert(placeholder);
        else
            message = (message.Length > 0 && !message.EndsWith(' ') ? message + " " : message) + placeholder;
    }

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
        var request = Request(recipients.Books, recipients.NumbersToSend, campaignName, ScheduleUtc);
        SendEstimate? estimate = null;
        if (!await errors.TryAsync(async () => estimate = await Campaigns.EstimateAsync(request)) || estimate is null)
            return;
        var each = channel != Channel.Sms ? $" ({Money.Display(quote.CostPerRecipient)} a message)"
            : estimate.Cost == quote.TotalCost ? $" ({quote.Analysis.Segments} part{(quote.Analysis.Segments == 1 ? "" : "s")} each)"
            : " (personalised messages differ in length)";
        var on = channel == Channel.Sms ? "" : $" by {channel.ToDisplayName()}";
        if (!await Dialogs.AskAsync("Send campaign",
                $"Send{on} to {estimate.Messages:N0} recipient{(estimate.Messages == 1 ? "" : "s")} from {SenderShown} {WhenText(quote)}? It reserves {Money.Display(estimate.Cost)}{each}.",
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

    private SendQuote TestQuote => Campaigns.Quote(Content, recipients.Sample, SelectedSender?.Category ?? SenderIdCategory.Transactional, 1, channel: channel);

    /// <summary>The test to one number: a one-recipient campaign named as a test, sent now.</summary>
    private SendRequest TestRequest(string number) =>
        Request([], [number], $"Test: {(string.IsNullOrWhiteSpace(campaignName) ? Local(Clock.GetUtcNow().UtcDateTime) : campaignName.Trim())}", null);

    private async Task RefreshBalanceAsync() => balance = (await Wallets.GetBalanceAsync(OrganisationId)).Available;

    private SendRequest Request(IReadOnlyCollection<Guid> bookIds, IReadOnlyCollection<string> to, string? name, DateTime? scheduledAt) => new()
    {
        OrganisationId = OrganisationId,
        Name = name,
        Channel = channel,
        Message = UsesTemplate ? null : message,
        Template = UsesTemplate ? template.ToTemplate() : null,
        Subject = channel == Channel.Email ? subject : null,
        SenderId = senderName,
        AddressBookIds = bookIds,
        Numbers = to,
        ScheduledAt = scheduledAt,
        Source = Core.Campaigns.MessageSource.Web,
        CreatedBy = User.EmailOf(),
    };

    private sealed record BookOption(Guid Id, string Label);

    /// <summary>An approved origin as compose offers it.</summary>
    /// <param name="Name">As stored and sent (a WhatsApp number as 254…).</param>
    /// <param name="Shown">As people read it (+254 7…).</param>
    public sealed record SenderOption(string Name, SenderIdCategory Category, string Label, string Shown, bool IsDefault)
    {
        public static SenderOption Of(SenderIdView origin)
        {
            var shown = origin.Channel.DisplayAddress(origin.Name);
            var category = origin.Channel == Channel.Sms ? $" · {origin.Category.ToString().ToLowerInvariant()}" : "";
            return new(origin.Name, origin.Category, $"{shown}{category}{(origin.IsDefault ? " · default" : "")}", shown, origin.IsDefault);
        }
    }
}
