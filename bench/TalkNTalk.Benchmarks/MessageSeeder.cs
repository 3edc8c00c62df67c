using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Pricing;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// Fills an organisation with realistic history: campaigns over the last 90 days from four sender IDs, through the
/// dashboard and the API, to a pool of numbers on every network, with the statuses real traffic ends in, the wallet
/// top-ups and charges that paid for them, and today's last campaign still running. Deterministic for a given seed.
/// </summary>
public sealed class MessageSeeder(IDbContextFactory<TalkNTalkDbContext> dbFactory, Guid organisationId, int seed = 7)
{
    private static readonly (string Name, SenderIdCategory Category)[] Senders =
        [("TALKNTALK", SenderIdCategory.Transactional), ("AcmeBank", SenderIdCategory.Transactional), ("SHULE-YETU", SenderIdCategory.Promotional), ("Duka", SenderIdCategory.Promotional)];

    private static readonly string[] Templates =
    [
        "Dear customer, your account has been credited with KES {0}. Ref {1}.",
        "Habari! Term 3 fees of KES {0} are due by Friday. Pay via M-Pesa paybill 400200, account {1}.",
        "Your OTP is {1}. It expires in 10 minutes. Do not share it with anyone.",
        "Black Friday at Duka: 30% off everything this weekend only! Visit duka.co.ke or any branch. Offer ends Sunday midnight, terms apply. Karibu sana 🎉",
        "Reminder: your appointment is tomorrow at 10:00. Reply YES to confirm. Asante.",
    ];

    private static readonly (string Prefix, int Weight)[] Prefixes =
        [("2547", 62), ("25411", 8), ("25473", 14), ("25475", 6), ("25477", 6), ("25476", 4)];

    private readonly Random _random = new(seed);
    private readonly MessagePricing _pricing = new(Options.Create(new PricingOptions()));

    public async Task<int> SeedAsync(int messages, Action<int>? progress = null, CancellationToken ct = default)
    {
        var numbers = Enumerable.Range(0, Math.Max(1000, messages / 8)).Select(_ => Number()).Distinct().ToArray();
        await EnsureSenderIdsAsync(ct);
        var now = DateTime.UtcNow;
        var start = now.AddDays(-90);
        var written = 0;
        var campaigns = 0;
        while (written < messages)
        {
            // Mostly dashboard campaigns of hundreds to thousands, with many small API sends between them.
            var api = _random.NextDouble() < 0.45;
            var size = Math.Min(messages - written, api ? _random.Next(1, 400) : _random.Next(500, 12_000));
            var at = start.AddSeconds((now.AddMinutes(-5) - start).TotalSeconds * written / messages);
            var last = written + size >= messages;
            await AddCampaignAsync(numbers, size, api, at, running: last, ct);
            written += size;
            campaigns++;
            progress?.Invoke(written);
        }
        return campaigns;
    }

    private async Task AddCampaignAsync(string[] numbers, int size, bool api, DateTime at, bool running, CancellationToken ct)
    {
        var (sender, category) = Senders[_random.Next(Senders.Length)];
        // A campaign still running has messages queued with no time of their own: the send path gives promotional
        // messages outside the promotional window a time (or the campaign waits for the window), so the one running
        // now is transactional rather than data the product could never have written.
        if (running && category == SenderIdCategory.Promotional)
            (sender, category) = Senders.First(s => s.Category == SenderIdCategory.Transactional);
        var template = Templates[_random.Next(Templates.Length)];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var campaign = new Campaign
        {
            OrganisationId = organisationId,
            Name = api ? $"API send {at:yyyy-MM-dd HH:mm}" : $"{sender} {template[..Math.Min(24, template.Length)].TrimEnd()}… {at:d MMM}",
            Message = template,
            SenderId = sender,
            SenderCategory = category,
            Source = api ? MessageSource.Api : MessageSource.Web,
            Status = running ? CampaignStatus.Running : CampaignStatus.Completed,
            RecipientsCount = size,
            CreatedAt = at,
            StartedAt = at,
            FinishedAt = running ? null : at.AddMinutes(1 + size / 3000.0),
            CreatedBy = api ? null : "seed@talkntalk.local",
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);

        var connection = db.Database.GetDbConnection();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction.GetDbTransaction();
        insert.CommandText = """
            INSERT INTO messages (Id, OrganisationId, CampaignId, Address, Network, SenderId, Body, Segments, Encoding, Cost, Status, Source,
                                  ProviderMessageId, ErrorCode, ErrorDetail, CreatedAt, UpdatedAt, SentAt, DeliveredAt)
            VALUES (@id, @org, @campaign, @mobile, @network, @sender, @body, @segments, @encoding, @cost, @status, @source,
                    @provider, @code, @detail, @created, @updated, @sent, @delivered)
            """;
        foreach (var name in new[] { "@id", "@org", "@campaign", "@mobile", "@network", "@sender", "@body", "@segments", "@encoding", "@cost", "@status", "@source", "@provider", "@code", "@detail", "@created", "@updated", "@sent", "@delivered" })
            Sql.Add(insert, name);
        insert.Prepare();
        Sql.Set(insert, "@org", organisationId);
        Sql.Set(insert, "@campaign", campaign.Id);
        Sql.Set(insert, "@sender", sender);
        Sql.Set(insert, "@source", campaign.Source.ToString());
        Sql.Set(insert, "@created", at);
        var lastRowId = await MessageIndex.LastRowIdAsync(connection, insert.Transaction, ct);

        decimal reserved = 0, charged = 0, stillQueued = 0;
        int sent = 0, delivered = 0, failed = 0;
        var used = new HashSet<string>();
        for (var i = 0; i < size; i++)
        {
            var mobile = numbers[_random.Next(numbers.Length)];
            if (!used.Add(mobile))
                mobile = Number(); // campaigns never repeat a number
            var body = string.Format(CultureInfo.InvariantCulture, template, _random.Next(100, 50_000), _random.Next(100_000, 999_999));
            var analysis = SmsText.Analyse(body);
            var cost = _pricing.CostOf(analysis.Segments);
            var status = running && i > size / 3 ? MessageStatus.Queued : Outcome();
            var sentAt = status is MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Undelivered ? at.AddSeconds(1 + i / 100.0) : (DateTime?)null;
            var receiptAt = status is MessageStatus.Delivered or MessageStatus.Undelivered ? sentAt!.Value.AddSeconds(_random.Next(2, 90)) : (DateTime?)null;
            var (code, detail) = status switch
            {
                MessageStatus.Failed => ("invalid_number", "The network rejected the number."),
                MessageStatus.Undelivered => ("absent_subscriber", "The phone was off or out of coverage until the message expired."),
                MessageStatus.Blocked => ("opted_out", "The recipient opted out of this sender."),
                _ => ((string?)null, (string?)null),
            };
            Sql.Set(insert, "@id", Guid.CreateVersion7(at));
            Sql.Set(insert, "@mobile", mobile);
            Sql.Set(insert, "@network", KenyanNetworks.Detect(mobile).ToString());
            Sql.Set(insert, "@body", body);
            Sql.Set(insert, "@segments", analysis.Segments);
            Sql.Set(insert, "@encoding", analysis.Encoding.ToString());
            Sql.Set(insert, "@cost", cost);
            Sql.Set(insert, "@status", status.ToString());
            Sql.Set(insert, "@provider", sentAt is null ? null : $"sim-{Guid.NewGuid():N}");
            Sql.Set(insert, "@code", code);
            Sql.Set(insert, "@detail", detail);
            Sql.Set(insert, "@updated", receiptAt ?? sentAt ?? at);
            Sql.Set(insert, "@sent", sentAt);
            Sql.Set(insert, "@delivered", receiptAt);
            await insert.ExecuteNonQueryAsync(ct);

            if (status != MessageStatus.Blocked)
                reserved += cost;
            if (status == MessageStatus.Queued)
                stillQueued += cost;
            if (sentAt is not null)
            {
                charged += cost;
                sent++;
            }
            if (status == MessageStatus.Delivered)
                delivered++;
            if (status is MessageStatus.Failed or MessageStatus.Blocked)
                failed++;
        }
        await MessageIndex.AddCampaignAsync(connection, insert.Transaction, campaign.Id, lastRowId, ct);

        // The wallet paid for it: top up when low, reserve, charge what was sent, refund the rest but what is still queued.
        var wallet = await db.Wallets.SingleAsync(w => w.OrganisationId == organisationId, ct);
        var reference = $"campaign:{campaign.Id:N}";
        if (wallet.Available < reserved)
            db.WalletLedger.Add(wallet.TopUp(Math.Ceiling((reserved + 50_000m) / 10_000m) * 10_000m, "M-Pesa top-up", "finance@talkntalk.local", at.AddMinutes(-1)));
        if (reserved > 0)
            db.WalletLedger.Add(wallet.Reserve(reserved, reference, at));
        if (charged > 0)
            db.WalletLedger.Add(wallet.Charge(charged, reference, at.AddMinutes(1)));
        var refund = reserved - charged - stillQueued;
        if (refund > 0)
            db.WalletLedger.Add(wallet.Refund(refund, reference, at.AddMinutes(1)));
        campaign.SentCount = sent;
        campaign.DeliveredCount = delivered;
        campaign.FailedCount = failed;
        campaign.EstimatedCost = reserved;
        campaign.ActualCost = charged;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private MessageStatus Outcome() => _random.Next(1000) switch
    {
        < 880 => MessageStatus.Delivered,
        < 925 => MessageStatus.Undelivered,
        < 955 => MessageStatus.Failed,
        < 975 => MessageStatus.Sent,
        < 990 => MessageStatus.Blocked,
        _ => MessageStatus.Cancelled,
    };

    private string Number()
    {
        var roll = _random.Next(100);
        foreach (var (prefix, weight) in Prefixes)
        {
            if ((roll -= weight) < 0)
                return prefix + _random.NextInt64((long)Math.Pow(10, 12 - prefix.Length)).ToString(CultureInfo.InvariantCulture).PadLeft(12 - prefix.Length, '0');
        }
        return "2547" + _random.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture);
    }

    private async Task EnsureSenderIdsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.SenderIds.Where(s => s.OrganisationId == organisationId).Select(s => s.NormalizedName).ToListAsync(ct);
        foreach (var (name, category) in Senders.Where(s => !existing.Contains(s.Name.ToUpperInvariant())))
            db.SenderIds.Add(new SenderId
            {
                OrganisationId = organisationId, Name = name, NormalizedName = name.ToUpperInvariant(), Category = category,
                Status = SenderIdStatus.Approved, CreatedAt = DateTime.UtcNow, DecidedAt = DateTime.UtcNow, DecidedBy = "seed",
            });
        await db.SaveChangesAsync(ct);
    }
}
