using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Pricing;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Campaigns;

/// <summary>
/// Accepts sends: validates, resolves and de-duplicates recipients, personalises and prices each message, reserves
/// wallet credit and stores the campaign with all its messages as queued, in one transaction.
/// </summary>
public sealed partial class CampaignService(
    IDbContextFactory<TalkNTalkDbContext> dbFactory,
    RecipientResolver resolver,
    MessagePricing pricing,
    IOptions<SendingOptions> sending,
    TimeProvider clock,
    WalletNotifier walletChanges,
    DispatchSignal dispatch,
    Channels.WhatsApp.WhatsAppTemplates templates)
{
    /// <summary>The address-book path: all or nothing. A balance that cannot cover every message refuses the send.</summary>
    public Task<SendResult> SendToAddressBooksAsync(SendRequest request, CancellationToken ct = default) =>
        SendAsync(request, partial: false, ct);

    /// <summary>The bulk path: queues the recipients the balance covers, in order, and reports the rest as skipped.</summary>
    public Task<SendResult> SendBulkAsync(SendRequest request, CancellationToken ct = default) =>
        SendAsync(request, partial: true, ct);

    /// <summary>
    /// What a send would reserve if made now: the same validation, recipients, personalisation and pricing as the send
    /// itself, so the amount a person confirms is the amount reserved (unless the books change in between).
    /// </summary>
    public async Task<SendEstimate> EstimateAsync(SendRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var prepared = await PrepareAsync(db, request, partial: false, ct);
        return new SendEstimate(prepared.Drafts.Count, prepared.Drafts.Sum(d => d.Cost), prepared.Errors.Count);
    }

    private async Task<SendResult> SendAsync(SendRequest request, bool partial, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var options = sending.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (message, sender, drafts, errors, groupNames) = await PrepareAsync(db, request, partial, ct);
        var total = drafts.Count;
        var scheduled = request.ScheduledAt is { } requested && requested > now ? requested : (DateTime?)null;
        var dueAt = DueAt(sender.Category, scheduled, now, options);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var wallet = await WalletRows.ForUpdate(db, request.OrganisationId).SingleAsync(ct);
        var cost = drafts.Sum(d => d.Cost);
        if (cost > wallet.Available)
        {
            if (!partial)
                throw new DomainException("insufficient_balance",
                    $"Insufficient balance. Required {Money.Format(cost)}, available {Money.Format(wallet.Available)}. Top up the wallet or send to fewer recipients.");
            drafts = Affordable(drafts, wallet.Available, errors);
            cost = drafts.Sum(d => d.Cost);
        }
        if (drafts.Count == 0)
            return new SendResult(null, CampaignStatus.Failed, sender.Name, groupNames, total, [], errors, 0, scheduled);

        var campaign = new Campaign
        {
            OrganisationId = request.OrganisationId,
            Name = CampaignName(request.Name, groupNames, await LocalNowAsync(db, request.OrganisationId, now, ct)),
            Channel = request.Channel,
            Subject = request.Channel == Channel.Email ? request.Subject?.Trim() : null,
            Message = message,
            SenderId = sender.Name,
            SenderCategory = sender.Category,
            Status = dueAt is null ? CampaignStatus.Queued : CampaignStatus.Scheduled,
            Source = request.Source,
            AddressBookIds = request.AddressBookIds.Count == 0 ? null : string.Join(',', request.AddressBookIds.Distinct()),
            RecipientsCount = drafts.Count,
            EstimatedCost = cost,
            CreatedBy = request.CreatedBy,
            CreatedAt = now,
            ScheduledAt = dueAt,
        };
        db.Campaigns.Add(campaign);
        db.WalletLedger.Add(wallet.Reserve(cost, CampaignMoney.Reference(campaign.Id), now));
        await db.SaveChangesAsync(ct);
        var queued = await InsertMessagesAsync(db, campaign, drafts, now, ct);
        await transaction.CommitAsync(ct);
        walletChanges.Publish(request.OrganisationId);
        dispatch.Wake();
        return new SendResult(campaign.Id, campaign.Status, sender.Name, groupNames, total, queued, errors, cost, dueAt);
    }

    // Everything before money moves: the request checked, the sender found, recipients resolved and each message
    // personalised and priced.
    private async Task<Prepared> PrepareAsync(TalkNTalkDbContext db, SendRequest request, bool partial, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var channel = request.Channel;
        var message = ContentOf(request);
        if (request.ScheduledAt is { } at && at < now.AddMinutes(-1))
            throw DomainException.Validation("scheduledAt", "The scheduled time is in the past: choose a later time, or send now.");
        if (request.Numbers.Count > 0 && !channel.UsesMobile())
            throw DomainException.Validation("recipients", $"Typed numbers reach SMS and WhatsApp only: send {channel.ToDisplayName()} to an address book.");
        if (RecipientLimitProblem(request.Numbers.Count) is { } tooMany)
            throw DomainException.Validation("recipients", tooMany);
        var sender = await FindSenderAsync(db, request.OrganisationId, channel, request.SenderId, ct);
        if (request.Template is not null && WhatsAppTemplate.TryParse(message, out var template))
            await templates.CheckAsync(request.OrganisationId, template, ct);
        var (recipients, errors, groupNames, withoutAddress) = await RecipientsAsync(db, request, message, ct);
        if (recipients.Count == 0)
            throw DomainException.Validation("recipients", errors.Count > 0
                ? $"No valid recipients: {errors.Count:N0} number{(errors.Count == 1 ? " was" : "s were")} invalid or opted out."
                : withoutAddress > 0
                    ? $"No one to send to: none of the active contacts of the chosen list{(groupNames.Count == 1 ? "" : "s")} has {channel.AddressWithArticle()} ({withoutAddress:N0} have none)."
                    : "No recipients: choose address books with active contacts, or enter numbers.");
        var drafts = DraftAll(recipients, message, channel, sender, sending.Value, errors, isTemplate: request.Template is not null);
        if (drafts.Count == 0 && !partial)
            throw DomainException.Validation("message", $"The message is empty for every recipient once personalised: its merge tags ({MergeTagsIn(message)}) have no value for any of them, and it has no other text.");
        return new Prepared(message, sender, drafts, errors, groupNames);
    }

    // The content every recipient's message is made from, checked by the channel's rules: the text, or for WhatsApp a
    // template stored as its body (WhatsAppTemplate.ToBody); for e-mail a subject too.
    private static string ContentOf(SendRequest request)
    {
        var channel = request.Channel;
        var message = request.Message?.Trim() ?? "";
        if (request.Template is { } template)
        {
            if (channel != Channel.WhatsApp)
                throw DomainException.Validation("template", $"Templates are WhatsApp's: a {channel.ToDisplayName()} campaign sends a body. Remove the template, or choose WhatsApp.");
            if (message.Length > 0)
                throw DomainException.Validation("template", "Send either a body or a template, not both.");
            if (string.IsNullOrWhiteSpace(template.Name) || !Channels.WhatsApp.WhatsAppTemplates.NamePattern().IsMatch(template.Name.Trim()))
                throw DomainException.Validation("template", "Name the approved template as WhatsApp Manager shows it: lower-case letters, digits and underscores, e.g. order_update.");
            if (string.IsNullOrWhiteSpace(template.Language) || !Channels.WhatsApp.WhatsAppTemplates.LanguagePattern().IsMatch(template.Language.Trim()))
                throw DomainException.Validation("template", "Give the template's language code as approved, e.g. en or en_US.");
            if (template.Parameters.Count > 20 || template.Parameters.Any(p => p is null || p.Length > 1_024))
                throw DomainException.Validation("template", "A template takes at most 20 parameters of at most 1,024 characters each.");
            // WhatsApp refuses an empty parameter, and a new line or tab in one: refused here, before anything is charged.
            if (template.Parameters.Any(p => string.IsNullOrWhiteSpace(p) || p.Contains('\n') || p.Contains('\t')))
                throw DomainException.Validation("template", "Every template parameter needs a value on one line, without tabs.");
            if (!string.IsNullOrWhiteSpace(request.Subject))
                throw DomainException.Validation("subject", "Only e-mail has a subject: remove it for WhatsApp.");
            return new WhatsAppTemplate(template.Name.Trim(), template.Language.Trim(), [.. template.Parameters.Select(p => p.Trim())]).ToBody();
        }
        if (message.Length == 0)
            throw DomainException.Validation("message", channel == Channel.WhatsApp
                ? "Write the message, or choose an approved template."
                : "Write the message to send.");
        if (ChannelRules.LengthProblem(channel, message) is { } tooLong)
            throw DomainException.Validation("message", tooLong);
        var subject = request.Subject?.Trim() ?? "";
        if (channel == Channel.Email)
        {
            if (subject.Length == 0)
                throw DomainException.Validation("subject", "Write the e-mail's subject line.");
            if (subject.Length > Campaign.MaxSubjectLength)
                throw DomainException.Validation("subject", $"A subject is at most {Campaign.MaxSubjectLength} characters; this one has {subject.Length}.");
            if (subject.Any(char.IsControl))
                throw DomainException.Validation("subject", "A subject is one line: remove the line breaks.");
        }
        else if (subject.Length > 0)
            throw DomainException.Validation("subject", $"Only e-mail has a subject: remove it for {channel.ToDisplayName()}.");
        return message;
    }

    private sealed record Prepared(string Message, SenderId Sender, List<Draft> Drafts, List<RecipientError> Errors, List<string> GroupNames);

    // The origin named, or the channel's default. Slack may name none: it sends as the workspace's bot.
    private static async Task<SenderId> FindSenderAsync(TalkNTalkDbContext db, Guid organisationId, Channel channel, string? name, CancellationToken ct)
    {
        var senders = db.SenderIds.AsNoTracking().Where(s => s.OrganisationId == organisationId && s.Channel == channel);
        var noun = SenderIdService.OriginNoun(channel);
        SenderId? sender;
        if (string.IsNullOrWhiteSpace(name))
        {
            sender = await senders.SingleOrDefaultAsync(s => s.IsDefault, ct);
            if (sender is null && !ChannelRules.NeedsOrigin(channel))
                return new SenderId { OrganisationId = organisationId, Channel = channel, Name = "", NormalizedName = "", Status = SenderIdStatus.Approved };
            if (sender is null)
                throw DomainException.Validation("senderId", channel == Channel.Sms
                    ? "Your organisation has no default sender ID: an admin can choose one under Admin › Sender IDs."
                    : $"Your organisation has no default {noun.ToLowerInvariant()} for {channel.ToDisplayName()}: name one, or an admin can register one under Admin › Sender IDs.");
        }
        else
        {
            var normalized = SenderLookupName(channel, name);
            sender = await senders.SingleOrDefaultAsync(s => s.NormalizedName == normalized, ct)
                ?? throw DomainException.Validation("senderId", channel == Channel.Sms
                    ? $"'{name.Trim()}' is not one of your registered sender IDs."
                    : $"'{name.Trim()}' is not one of your registered {noun.ToLowerInvariant()}s for {channel.ToDisplayName()}.");
        }
        if (sender.Status != SenderIdStatus.Approved)
            throw DomainException.Validation("senderId", channel == Channel.Email && sender.Status == SenderIdStatus.Pending
                ? $"'{sender.Name}' is not verified yet: follow the link sent to it (Admin › Sender IDs can send it again)."
                : $"'{sender.Name}' is {sender.Status.ToString().ToLowerInvariant()}, not approved: only approved {(channel == Channel.Sms ? "sender IDs" : noun.ToLowerInvariant() + "s")} can send.");
        return sender;
    }

    // Names as people type them: a bot with or without its @, a WhatsApp number in any format.
    private static string SenderLookupName(Channel channel, string name)
    {
        var trimmed = name.Trim();
        if (channel == Channel.Telegram && !trimmed.StartsWith('@'))
            trimmed = "@" + trimmed;
        if (channel == Channel.WhatsApp && PhoneNumber.TryParse(trimmed, out var phone, out _))
            trimmed = phone.Msisdn;
        return trimmed.ToUpperInvariant();
    }

    private async Task<(List<Recipient> Recipients, List<RecipientError> Errors, List<string> GroupNames, int WithoutAddress)> RecipientsAsync(
        TalkNTalkDbContext db, SendRequest request, string message, CancellationToken ct)
    {
        var withoutAddress = 0;
        var recipients = new List<Recipient>();
        var errors = new List<RecipientError>();
        var groupNames = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (request.AddressBookIds.Count > 0)
        {
            var ids = request.AddressBookIds.Distinct().ToList();
            var names = await db.AddressBooks.AsNoTracking()
                .Where(b => b.OrganisationId == request.OrganisationId && ids.Contains(b.Id))
                .ToDictionaryAsync(b => b.Id, b => b.Name, ct);
            var resolved = await resolver.ResolveAsync(request.OrganisationId, ids, withDetails: message.Contains('{'), request.Channel, ct);
            withoutAddress = resolved.WithoutAddress;
            groupNames.AddRange(ids.Select(id => names[id]));
            foreach (var recipient in resolved.Recipients)
                if (seen.Add(recipient.Address))
                    recipients.Add(recipient);
        }
        if (request.Numbers.Count > 0)
        {
            var blocked = await resolver.OptedOutAsync(request.OrganisationId, request.Channel, ct);
            foreach (var raw in request.Numbers)
            {
                if (!PhoneNumber.TryParse(raw, out var phone, out var error))
                    errors.Add(new RecipientError(raw ?? "", "invalid_mobile", error ?? "Not a Kenyan mobile number."));
                else if (blocked.Contains(phone.Msisdn))
                    errors.Add(new RecipientError(phone.Msisdn, "opted_out", "This number opted out of your messages."));
                else if (seen.Add(phone.Msisdn))
                    recipients.Add(new Recipient(phone.Msisdn, phone.Network, null, null, null));
            }
        }
        return (recipients, errors, groupNames, withoutAddress);
    }

    // A recipient whose personalised message is empty gets nothing and costs nothing: a per-recipient error, like an invalid number.
    // SMS is priced by its parts (with the promotional opt-out text); every other channel by the message.
    private List<Draft> DraftAll(List<Recipient> recipients, string message, Channel channel, SenderId sender, SendingOptions options, List<RecipientError> errors,
        bool isTemplate)
    {
        var template = isTemplate && WhatsAppTemplate.TryParse(message, out var parsed) ? parsed : null;
        var personalised = template is null ? PlaceholderPattern().IsMatch(message) : template.Parameters.Any(p => PlaceholderPattern().IsMatch(p));
        var suffix = channel == Channel.Sms ? OptOutSuffix(sender.Category, options) : "";
        var drafts = new List<Draft>(recipients.Count);
        SmsAnalysis? shared = null;
        foreach (var recipient in recipients)
        {
            string body;
            if (template is not null)
            {
                var parameters = personalised ? template.Parameters.Select(p => Personalise(p, recipient)).ToList() : [.. template.Parameters];
                if (parameters.Any(string.IsNullOrWhiteSpace))
                {
                    errors.Add(new RecipientError(recipient.Address, "empty_message", $"Not sent: a template parameter is empty once personalised, as its merge tags ({MergeTagsIn(string.Join(" ", template.Parameters))}) have no value for this recipient."));
                    continue;
                }
                body = personalised ? (template with { Parameters = parameters }).ToBody() : message;
            }
            else
            {
                var text = personalised ? Personalise(message, recipient) : message;
                if (text.Length == 0)
                {
                    errors.Add(new RecipientError(recipient.Address, "empty_message", $"Not sent: the message is empty once personalised, as its merge tags ({MergeTagsIn(message)}) have no value for this recipient and it has no other text."));
                    continue;
                }
                body = text + suffix;
                if (channel != Channel.Sms && ChannelRules.LengthProblem(channel, body) is { } tooLongHere)
                    throw DomainException.Validation("message", $"Personalised for {recipient.Address}: {tooLongHere}");
            }
            if (channel != Channel.Sms)
            {
                drafts.Add(new Draft(recipient, body, NotSms, pricing.PerMessage(channel)));
                continue;
            }
            var analysis = personalised || shared is null ? SmsText.Analyse(body) : shared;
            shared ??= analysis;
            if (LengthProblem(analysis, suffix.Length > 0) is { } tooLong)
                throw DomainException.Validation("message", tooLong);
            drafts.Add(new Draft(recipient, body, analysis, pricing.CostOf(analysis.Segments)));
        }
        return drafts;
    }

    // A message of another channel is one message, whatever its length: one "segment" in the counts and exports.
    private static readonly SmsAnalysis NotSms = new(SmsEncoding.Gsm7, 0, 0, 1, 0, 0, []);

    /// <summary>
    /// What a send would be before it is made, by the same rules the send applies: the body a recipient gets (opt-out
    /// text included), its parts and cost, when it goes (null: now) and what would refuse it.
    /// </summary>
    public SendQuote Quote(string? message, Recipient sample, SenderIdCategory category, int recipients, int typedNumbers = 0, DateTime? scheduledAt = null,
        Channel channel = Channel.Sms)
    {
        var options = sending.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var scheduled = scheduledAt is { } at && at > now ? at : (DateTime?)null;
        if (channel != Channel.Sms)
        {
            var text = message ?? "";
            var personalised = WhatsAppTemplate.TryParse(text, out var template)
                ? (template with { Parameters = [.. template.Parameters.Select(p => Personalise(p, sample))] }).ToBody()
                : Personalise(text, sample);
            var price = pricing.PerMessage(channel);
            return new SendQuote(personalised, NotSms, price, price * recipients, scheduled, false,
                string.IsNullOrWhiteSpace(message) ? null : ChannelRules.LengthProblem(channel, message), RecipientLimitProblem(typedNumbers));
        }
        var suffix = OptOutSuffix(category, options);
        var body = Personalise(message ?? "", sample) + suffix;
        var analysis = SmsText.Analyse(body);
        var perRecipient = pricing.CostOf(analysis.Segments);
        var dueAt = DueAt(category, scheduled, now, options);
        var problem = string.IsNullOrWhiteSpace(message) ? null : LengthProblem(analysis, suffix.Length > 0);
        return new SendQuote(body, analysis, perRecipient, perRecipient * recipients, dueAt,
            category == SenderIdCategory.Promotional && dueAt is not null && dueAt != scheduled, problem, RecipientLimitProblem(typedNumbers));
    }

    /// <summary>The merge tags a message to these books can use: the contact fields and every custom field their contacts carry.</summary>
    public async Task<IReadOnlyList<string>> MergeTagsAsync(Guid organisationId, IReadOnlyCollection<Guid> addressBookIds, CancellationToken ct = default)
    {
        var keys = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        if (addressBookIds.Count > 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var ids = addressBookIds.ToList();
            await foreach (var json in db.Contacts.AsNoTracking()
                               .Where(c => c.OrganisationId == organisationId && ids.Contains(c.AddressBookId) && c.CustomFields != null)
                               .Select(c => c.CustomFields).Distinct().AsAsyncEnumerable().WithCancellation(ct))
                keys.UnionWith(ContactFields.Parse(json).Keys.Where(k => PlaceholderPattern().IsMatch($"{{{k}}}")));
        }
        return ["{first_name}", "{last_name}", .. keys.Select(k => $"{{{k}}}")];
    }

    // Promotional sends wait for the window; a due time that has come means now.
    private static DateTime? DueAt(SenderIdCategory category, DateTime? scheduled, DateTime now, SendingOptions options)
    {
        var due = category == SenderIdCategory.Promotional ? PromotionalWindow.NextOpen(scheduled ?? now, options) : scheduled;
        return due <= now ? null : due;
    }

    /// <summary>The opt-out line operators require on promotional messages, on its own line; empty otherwise.</summary>
    public static string OptOutSuffix(SenderIdCategory category, SendingOptions options) =>
        category == SenderIdCategory.Promotional ? "\n" + options.OptOutSuffix : "";

    /// <summary>Why a message of this length cannot be sent (over <see cref="SmsText.MaxSegments"/> parts), or null.</summary>
    public static string? LengthProblem(SmsAnalysis analysis, bool withOptOut) => analysis.IsTooLong
        ? $"The message is {analysis.Segments} SMS parts long{(withOptOut ? " with the opt-out text" : "")}; the limit is {SmsText.MaxSegments}. Shorten it by {analysis.Units - MaxUnits(analysis):N0} characters."
        : null;

    private static int MaxUnits(SmsAnalysis analysis) => analysis.PerSegment * SmsText.MaxSegments;

    private string? RecipientLimitProblem(int numbers) => numbers > sending.Value.MaxRecipientsPerBulkCall
        ? $"A send can have at most {sending.Value.MaxRecipientsPerBulkCall:N0} numbers; this one has {numbers:N0}."
        : null;

    /// <summary>Fills <c>{first_name}</c>, <c>{last_name}</c>, <c>{mobile}</c> and custom fields; unknown ones become empty.</summary>
    public static string Personalise(string message, Recipient recipient)
    {
        var fields = ContactFields.Parse(recipient.CustomFields);
        return PlaceholderPattern().Replace(message, match => match.Groups[1].Value.ToLowerInvariant() switch
        {
            "first_name" => recipient.FirstName ?? "",
            "last_name" => recipient.LastName ?? "",
            "name" => $"{recipient.FirstName} {recipient.LastName}".Trim(),
            "mobile" => recipient.Address,
            var key => fields.GetValueOrDefault(key) ?? "",
        }).Trim();
    }

    private static string MergeTagsIn(string message) =>
        string.Join(", ", PlaceholderPattern().Matches(message).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase));

    // Stops at the first message the balance cannot cover; that one and every later one are reported.
    private static List<Draft> Affordable(List<Draft> drafts, decimal available, List<RecipientError> errors)
    {
        var covered = new List<Draft>();
        var spent = 0m;
        for (var i = 0; i < drafts.Count; i++)
        {
            if (spent + drafts[i].Cost <= available)
            {
                covered.Add(drafts[i]);
                spent += drafts[i].Cost;
                continue;
            }
            errors.Add(new RecipientError(drafts[i].Recipient.Address, "insufficient_balance",
                $"Insufficient balance. Required {Money.Format(drafts[i].Cost)}, available {Money.Format(available - spent)}."));
            foreach (var rest in drafts.Skip(i + 1))
                errors.Add(new RecipientError(rest.Recipient.Address, "skipped", "Processing stopped due to insufficient balance."));
            break;
        }
        return covered;
    }

    private static async Task<List<QueuedMessage>> InsertMessagesAsync(TalkNTalkDbContext db, Campaign campaign, List<Draft> drafts, DateTime now, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var insert = Sql.Command(connection, """
            INSERT INTO messages (Id, OrganisationId, CampaignId, Channel, Address, Network, SenderId, Body, Segments, Encoding, Cost, Status, Source, ScheduledAt, CreatedAt, UpdatedAt)
            VALUES (@id, @org, @campaign, @channel, @address, @network, @sender, @body, @segments, @encoding, @cost, 'Queued', @source, @scheduled, @now, @now)
            """);
        insert.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        insert.Prepare();
        var lastRowId = await MessageIndex.LastRowIdAsync(connection, insert.Transaction, ct);
        Sql.Set(insert, "@org", campaign.OrganisationId);
        Sql.Set(insert, "@campaign", campaign.Id);
        Sql.Set(insert, "@channel", campaign.Channel.ToString());
        Sql.Set(insert, "@sender", campaign.SenderId);
        Sql.Set(insert, "@source", campaign.Source.ToString());
        Sql.Set(insert, "@scheduled", campaign.ScheduledAt is { } due ? due : null);
        Sql.Set(insert, "@now", now);
        var queued = new List<QueuedMessage>(drafts.Count);
        foreach (var draft in drafts)
        {
            var id = Guid.CreateVersion7();
            Sql.Set(insert, "@id", id);
            Sql.Set(insert, "@address", draft.Recipient.Address);
            Sql.Set(insert, "@network", draft.Recipient.Network.ToString());
            Sql.Set(insert, "@body", draft.Body);
            Sql.Set(insert, "@segments", draft.Analysis.Segments);
            Sql.Set(insert, "@encoding", draft.Analysis.Encoding.ToString());
            Sql.Set(insert, "@cost", draft.Cost);
            // Synchronous on purpose: SQLite answers in-process, and a task per row costs a tenth of the send.
            insert.ExecuteNonQuery();
            queued.Add(new QueuedMessage(id, draft.Recipient.Address));
        }
        await MessageIndex.AddCampaignAsync(connection, insert.Transaction, campaign.Id, lastRowId, ct);
        return queued;
    }

    private static async Task<DateTimeOffset> LocalNowAsync(TalkNTalkDbContext db, Guid organisationId, DateTime now, CancellationToken ct)
    {
        var zone = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.TimeZoneId).SingleAsync(ct);
        return Organisations.OrganisationTime.ToLocal(now, zone);
    }

    private static string CampaignName(string? requested, List<string> groupNames, DateTimeOffset localNow)
    {
        var name = requested?.Trim();
        if (string.IsNullOrEmpty(name))
            name = groupNames.Count > 0 ? string.Join(", ", groupNames) : $"Send of {localNow:d MMM yyyy, HH:mm}";
        return name.Length <= Campaign.MaxNameLength ? name : name[..Campaign.MaxNameLength];
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex PlaceholderPattern();

    private sealed record Draft(Recipient Recipient, string Body, SmsAnalysis Analysis, decimal Cost);
}
