using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Messages;

/// <summary>
/// The explorer's queries against an oracle: a small but varied history (three campaigns over three days, two sender
/// IDs, both sources, every network, sent, delivered, undelivered, failed and cancelled messages) is read back whole
/// with EF, and every filter and combination must give exactly what LINQ over that list gives.
/// </summary>
public sealed class MessageQueriesTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["SimulatedProvider:ReceiptDelayMs"] = "0",
        ["SimulatedProvider:FailureRate"] = "0.2",
        ["SimulatedProvider:NonDeliveryRate"] = "0.25",
        ["SimulatedProvider:Seed"] = "3",
        ["SimulatedProvider:MessagesPerSecond"] = "0",
    };

    // Safaricom, Airtel, Telkom and a Safaricom 011x number, several sharing "712".
    private static readonly string[] Numbers =
    [
        "0712345678", "0712000111", "0722712000", "0733123456", "0750712712", "0770555444", "0110712345", "0799000712",
        "0701234567", "0745678901", "0112233445", "0738383838",
    ];

    private TestServices _services = null!;
    private Guid _org;
    private Guid _other;
    private Guid _web;
    private Guid _api;
    private Guid _cancelled;
    private Guid _email;
    private List<OutboundMessage> _all = [];

    private MessageQueries Queries => _services.Get<MessageQueries>();

    public async Task InitializeAsync()
    {
        _services = await TestServices.StartAsync(Settings);
        _org = await _services.CreateOrganisationAsync(credit: 1000m);
        _other = await _services.CreateOrganisationAsync("Baraka Sacco", credit: 100m, sender: "BARAKA");
        var senders = _services.Get<SenderIdService>();
        var duka = await senders.RegisterAsync(_org, "Duka", SenderIdCategory.Transactional);
        await senders.ApproveAsync(_org, duka.Id, "test");
        var send = _services.Get<CampaignService>();
        var dispatcher = _services.Get<Dispatcher>();

        _web = (await send.SendBulkAsync(new SendRequest { OrganisationId = _org, Message = "Karibu!", Numbers = Numbers })).CampaignId!.Value;
        _services.Clock.Advance(TimeSpan.FromDays(1));
        _api = (await send.SendBulkAsync(new SendRequest { OrganisationId = _org, Message = "Your OTP is 1234", SenderId = "Duka", Numbers = Numbers[..8], Source = MessageSource.Api })).CampaignId!.Value;
        await send.SendBulkAsync(new SendRequest { OrganisationId = _other, Message = "Jambo", Numbers = Numbers });
        while (await dispatcher.RunOnceAsync())
        {
        }
        _services.Clock.Advance(TimeSpan.FromDays(2));
        _cancelled = (await send.SendBulkAsync(new SendRequest
        {
            OrganisationId = _org, Message = "Sale on now — 20% off", SenderId = "duka", Numbers = Numbers[4..], ScheduledAt = _services.Clock.GetUtcNow().UtcDateTime.AddHours(5),
        })).CampaignId!.Value;
        await _services.Get<CampaignQueries>().CancelAsync(_org, _cancelled);
        // Other channels' addresses beside the numbers: e-mail (one with digits that look like a number) and Telegram chat ids.
        _email = await InsertCampaignAsync(Channel.Email, ["wanjiku@example.co.ke", "otieno@example.com", "0712@mail.ke", "jose@duka.co.ke"]);
        await InsertCampaignAsync(Channel.Telegram, ["712345678", "5550001"]);

        await using var db = _services.NewDb();
        _all = await db.Messages.Where(m => m.OrganisationId == _org).ToListAsync();
    }

    // A campaign of another channel as its send path will write it: its messages, then their counts and search index.
    private async Task<Guid> InsertCampaignAsync(Channel channel, IReadOnlyList<string> addresses)
    {
        await using var db = _services.NewDb();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var lastRowId = await MessageIndex.LastRowIdAsync(connection, null);
        var now = _services.Clock.GetUtcNow().UtcDateTime;
        var campaign = new Campaign
        {
            OrganisationId = _org, Name = channel.ToDisplayName(), Channel = channel, Message = "Karibu", SenderId = "Acme Kenya",
            Status = CampaignStatus.Running, RecipientsCount = addresses.Count, CreatedAt = now,
        };
        db.Campaigns.Add(campaign);
        db.Messages.AddRange(addresses.Select((address, i) => new OutboundMessage
        {
            OrganisationId = _org, CampaignId = campaign.Id, Channel = channel, Address = address, Network = Network.None, SenderId = campaign.SenderId,
            Body = "Karibu", Segments = 1, Cost = 1m, Status = i % 2 == 0 ? MessageStatus.Delivered : MessageStatus.Sent, CreatedAt = now, UpdatedAt = now,
        }));
        await db.SaveChangesAsync();
        await MessageIndex.AddCampaignAsync(connection, null, campaign.Id, lastRowId);
        return campaign.Id;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public void The_history_has_every_kind_of_message_the_filters_tell_apart()
    {
        Assert.Equal(Numbers.Length + 8 + (Numbers.Length - 4) + 4 + 2, _all.Count);
        foreach (var status in new[] { MessageStatus.Delivered, MessageStatus.Undelivered, MessageStatus.Failed, MessageStatus.Cancelled })
            Assert.True(_all.Any(m => m.Status == status), $"{status} missing: " + string.Join(", ", _all.GroupBy(m => m.Status).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Equal(4, _all.Select(m => m.Network).Distinct().Count()); // three networks, and none for the other channels
        Assert.Equal(["ACMEKE", "Acme Kenya", "Duka"], _all.Select(m => m.SenderId).Distinct().Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(3, _all.Select(m => m.Channel).Distinct().Count());
    }

    public static TheoryData<string> FilterNames => new(Filters(Guid.Empty, Guid.Empty, Guid.Empty, DateTime.MinValue).Keys);

    // name → filter; campaign ids and the first day are filled in per run.
    private static Dictionary<string, MessageFilter> Filters(Guid web, Guid api, Guid email, DateTime day0) => new()
    {
        ["none"] = new(),
        ["status delivered"] = new(Status: MessageStatus.Delivered),
        ["status failed"] = new(Status: MessageStatus.Failed),
        ["status cancelled"] = new(Status: MessageStatus.Cancelled),
        ["status held (none)"] = new(Status: MessageStatus.Held),
        ["network airtel"] = new(Network: Network.Airtel),
        ["network telkom"] = new(Network: Network.Telkom),
        ["source api"] = new(Source: MessageSource.Api),
        ["source web"] = new(Source: MessageSource.Web),
        ["sender lower case"] = new(SenderId: "duka"),
        ["sender upper case with spaces"] = new(SenderId: " ACMEKE "),
        ["sender unknown"] = new(SenderId: "NOBODY"),
        ["campaign"] = new(CampaignId: api),
        ["day two only"] = new(CreatedFrom: day0.AddDays(1), CreatedTo: day0.AddDays(2)),
        ["from day two"] = new(CreatedFrom: day0.AddDays(1)),
        ["until day two"] = new(CreatedTo: day0.AddDays(1)),
        ["mobile local 0712"] = new(Address: "0712"),
        ["mobile international +254 712"] = new(Address: "+254 712"),
        ["mobile 254712 3"] = new(Address: "254712 3"),
        ["mobile middle digits 712"] = new(Address: "712"),
        ["mobile last four 5678"] = new(Address: "5678"),
        ["mobile two digits 38"] = new(Address: "38"),
        ["mobile full number"] = new(Address: "0733 123 456"),
        ["mobile with 00 prefix"] = new(Address: "00254712345678"),
        ["mobile % is literal"] = new(Address: "7%2"),
        ["status + network"] = new(Status: MessageStatus.Delivered, Network: Network.Safaricom),
        ["sender + source + status"] = new(Status: MessageStatus.Cancelled, SenderId: "DUKA", Source: MessageSource.Web),
        ["mobile + status"] = new(Address: "712", Status: MessageStatus.Delivered),
        ["mobile + campaign + days"] = new(Address: "0712", CampaignId: web, CreatedFrom: day0, CreatedTo: day0.AddDays(1)),
        ["everything"] = new(Status: MessageStatus.Sent, Network: Network.Safaricom, SenderId: "acmeke", Source: MessageSource.Web, CampaignId: web, CreatedFrom: day0, CreatedTo: day0.AddDays(3), Address: "07"),
        ["oldest first"] = new(OldestFirst: true),
        ["channel sms"] = new(Channel: Channel.Sms),
        ["channel email"] = new(Channel: Channel.Email),
        ["channel slack (none)"] = new(Channel: Channel.Slack),
        ["channel + status"] = new(Channel: Channel.Email, Status: MessageStatus.Delivered),
        ["channel + network"] = new(Channel: Channel.Sms, Network: Network.Airtel),
        ["network none"] = new(Network: Network.None),
        ["address e-mail part, any case"] = new(Address: "EXAMPLE"),
        ["address e-mail domain"] = new(Address: "@duka.co"),
        ["address e-mail of digits"] = new(Address: "0712@"),
        ["address letters on sms only"] = new(Address: "wanjiku", Channel: Channel.Sms),
        ["address chat id digits on telegram"] = new(Address: "5550", Channel: Channel.Telegram),
        ["address digits on every channel"] = new(Address: "712"),
        ["address e-mail + campaign"] = new(Address: "example", CampaignId: email),
    };

    [Theory]
    [MemberData(nameof(FilterNames))]
    public async Task Each_filter_finds_exactly_what_it_should(string name)
    {
        var filter = Filters(_web, _api, _email, Day0)[name];

        var (items, total) = await Queries.SearchAsync(_org, filter, 0, 500);

        var expected = _all.Where(m => Matches(m, filter)).Select(m => m.Id).Order().ToList();
        Assert.Equal(expected.Count, total);
        Assert.Equal(expected, items.Select(m => m.Id).Order().ToList());
        Assert.Equal(total, await Queries.CountAsync(_org, filter));
        var times = items.Select(m => m.CreatedAt).ToList();
        Assert.Equal(filter.OldestFirst ? times.Order() : times.OrderDescending(), times);
    }

    [Fact]
    public async Task Pages_are_consecutive_slices_of_one_order()
    {
        var (whole, total) = await Queries.SearchAsync(_org, new MessageFilter(), 0, 500);
        var paged = new List<Guid>();
        for (var skip = 0; skip < total; skip += 7)
            paged.AddRange((await Queries.SearchAsync(_org, new MessageFilter(), skip, 7)).Items.Select(m => m.Id));

        Assert.Equal(whole.Select(m => m.Id), paged);
        var (past, pastTotal) = await Queries.SearchAsync(_org, new MessageFilter(), total + 100, 7);
        Assert.Equal((0, total), (past.Count, pastTotal));
    }

    [Fact]
    public async Task Text_no_address_contains_matches_nothing_rather_than_fail()
    {
        Assert.Equal(0, (await Queries.SearchAsync(_org, new MessageFilter(Address: "abc"), 0, 50)).Total);
        Assert.Equal(0, (await Queries.SearchAsync(_org, new MessageFilter(Address: "07x2"), 0, 50)).Total);
        Assert.Equal(0, (await Queries.SearchAsync(_org, new MessageFilter(Address: "' OR 1=1 --"), 0, 50)).Total);
    }

    [Fact]
    public async Task Another_organisations_messages_and_campaigns_stay_out_of_sight()
    {
        var (mine, _) = await Queries.SearchAsync(_org, new MessageFilter(Address: "0712"), 0, 500);
        var (theirs, theirTotal) = await Queries.SearchAsync(_other, new MessageFilter(), 0, 500);

        Assert.Equal(Numbers.Length, theirTotal);
        Assert.Empty(mine.Select(m => m.Id).Intersect(theirs.Select(m => m.Id)));
        Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(() => Queries.SearchAsync(_other, new MessageFilter(CampaignId: _web), 0, 10))).Code);
        Assert.Null(await Queries.GetAsync(_other, mine[0].Id));
        Assert.Empty(await Queries.GetManyAsync(_other, mine.Select(m => m.Id).ToList()));
    }

    [Fact]
    public async Task Status_counts_stay_exact_through_sending_receipts_and_cancelling()
    {
        await using var db = _services.NewDb();
        var stats = await db.MessageStats.Where(s => s.Messages != 0).ToListAsync();
        var truth = await db.Messages.GroupBy(m => new { m.CampaignId, m.Status, m.Network })
            .Select(g => new { g.Key.CampaignId, g.Key.Status, g.Key.Network, Count = g.Count() }).ToListAsync();
        var costs = (await db.Messages.Select(m => new { m.CampaignId, m.Status, m.Network, m.Cost }).ToListAsync())
            .GroupBy(m => (m.CampaignId, m.Status, m.Network)).ToDictionary(g => g.Key, g => (long)(g.Sum(m => m.Cost) * 100));

        Assert.Equal(truth.Count, stats.Count);
        foreach (var row in truth)
        {
            var stat = Assert.Single(stats, s => s.CampaignId == row.CampaignId && s.Status == row.Status && s.Network == row.Network);
            Assert.Equal(row.Count, stat.Messages);
            Assert.Equal(costs[(row.CampaignId, row.Status, row.Network)], stat.CostCents);
        }
    }

    [Fact]
    public async Task Export_writes_every_matching_message_with_local_times()
    {
        var filter = new MessageFilter(Status: MessageStatus.Delivered);
        var writer = new StringWriter();
        var progress = new List<int>();

        var written = await _services.Get<MessageExporter>().WriteCsvAsync(_org, filter, "Africa/Nairobi", writer, progress.Add);

        using var csv = new CsvReader(new StringReader(writer.ToString()), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        var expected = _all.Where(m => m.Status == MessageStatus.Delivered).ToDictionary(m => m.Id);
        Assert.Equal(expected.Count, written);
        Assert.Equal(expected.Count, rows.Count);
        Assert.Equal(MessageExporter.Header, rows[0].Keys);
        var first = rows[0];
        var message = expected[Guid.Parse((string)first["id"])];
        Assert.Equal((message.Channel.ToApiName(), message.Address), (first["channel"], first["recipient"]));
        Assert.Equal("delivered", first["status"]);
        Assert.Equal(message.Body, first["message"]);
        Assert.Equal(OrganisationTime.ToLocal(message.CreatedAt, "Africa/Nairobi").ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), first["created_at"]);
        Assert.EndsWith("+03:00", (string)first["created_at"]);
        Assert.Equal(written, progress[^1]);
    }

    [Fact]
    public async Task The_overview_agrees_with_the_explorer_for_every_day_status_network_and_sender()
    {
        var overview = await _services.Get<MessageOverview>().GetAsync(_org, "Africa/Nairobi");
        var zone = OrganisationTime.Zone("Africa/Nairobi");
        DateTime Midnight(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);

        Assert.Equal(_all.Count, overview.Messages);
        foreach (var day in overview.Daily)
        {
            var filter = new MessageFilter(Status: day.Status, CreatedFrom: Midnight(day.Day), CreatedTo: Midnight(day.Day.AddDays(1)));
            Assert.Equal(day.Messages, await Queries.CountAsync(_org, filter));
        }
        foreach (var network in overview.Networks)
        {
            Assert.Equal(network.Messages, await Queries.CountAsync(_org, new MessageFilter(Network: network.Network)));
            Assert.Equal(network.Delivered, await Queries.CountAsync(_org, new MessageFilter(Network: network.Network, Status: MessageStatus.Delivered)));
            var sent = 0;
            foreach (var status in MessageOverview.Charged)
                sent += await Queries.CountAsync(_org, new MessageFilter(Network: network.Network, Status: status));
            Assert.Equal(sent, network.Sent);
        }
        foreach (var sender in overview.Senders)
            Assert.Equal(sender.Messages, await Queries.CountAsync(_org, new MessageFilter(SenderId: sender.SenderId)));

        var charged = _all.Where(m => MessageOverview.Charged.Contains(m.Status)).Sum(m => m.Cost);
        Assert.Equal(charged, overview.TotalSpend);
        await using var db = _services.NewDb();
        Assert.Equal((await db.Wallets.SingleAsync(w => w.OrganisationId == _org)).Available, overview.Spend[^1].BalanceAtEnd);
        Assert.Equal(1000m, overview.Spend.Sum(s => s.TopUps));
        // Networks are the numbers' only: the e-mail and Telegram messages have none and are not "unknown".
        Assert.DoesNotContain(overview.Networks, n => n.Network == Network.None);
        Assert.Equal(_all.Count(m => m.Channel.UsesMobile()), overview.Networks.Sum(n => n.Messages));

        // One channel's overview: every figure is that channel's, and the explorer agrees; the choice still counts every channel.
        var email = await _services.Get<MessageOverview>().GetAsync(_org, "Africa/Nairobi", channel: Channel.Email);
        Assert.Equal((Channel.Email, 4, 4), (email.Channel, email.Messages, await Queries.CountAsync(_org, new MessageFilter(Channel: Channel.Email))));
        Assert.Equal(_all.Count(m => m.Channel == Channel.Email && m.Status == MessageStatus.Delivered), email.CountOf(MessageStatus.Delivered));
        Assert.Empty(email.Networks);
        Assert.Equal(["Acme Kenya"], email.Senders.Select(x => x.SenderId));
        Assert.Equal(4m, email.TotalSpend);
        Assert.Equal(_all.GroupBy(m => m.Channel).Select(g => (g.Key, g.Count())).OrderBy(x => x.Key), email.Channels!.Select(c => (c.Channel, c.Messages)));
    }

    private DateTime Day0 => _all.Min(m => m.CreatedAt).Date;

    private static bool Matches(OutboundMessage m, MessageFilter f)
    {
        // A number in any format, or (with a letter or an @, or on a channel without numbers) any other address's text in any case.
        var needle = f.Address is null ? null
            : f.Address.Any(char.IsLetter) || f.Address.Contains('@') || f.Channel is { } c && !c.UsesMobile() ? f.Address.Trim()
            : PhoneNumber.DigitsForSearch(f.Address) ?? "impossible";
        return (f.Status is null || m.Status == f.Status)
               && (f.Channel is null || m.Channel == f.Channel)
               && (f.Network is null || m.Network == f.Network)
               && (f.Source is null || m.Source == f.Source)
               && (f.CampaignId is null || m.CampaignId == f.CampaignId)
               && (f.SenderId is null || string.Equals(m.SenderId, f.SenderId.Trim(), StringComparison.OrdinalIgnoreCase))
               && (f.CreatedFrom is null || m.CreatedAt >= f.CreatedFrom)
               && (f.CreatedTo is null || m.CreatedAt < f.CreatedTo)
               && (needle is null || m.Address.Contains(needle, StringComparison.OrdinalIgnoreCase));
    }
}
