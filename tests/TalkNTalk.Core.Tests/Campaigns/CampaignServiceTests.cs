using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Tests.Campaigns;

/// <summary>Accepting sends: recipients, prices, the wallet and the stored campaign, on a real SQLite file.</summary>
public sealed class CampaignServiceTests
{
    private static async Task<(TestServices Services, Guid Org, Guid Book)> SeedAsync(decimal credit = 100m)
    {
        var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: credit);
        var book = await services.Get<AddressBookService>().CreateAsync(org, "Customers", null);
        var contacts = services.Get<ContactService>();
        await contacts.AddAsync(org, book.Id, new ContactInput("0712000001", "Wanjiku", "Kamau", new Dictionary<string, string> { ["branch"] = "CBD" }));
        await contacts.AddAsync(org, book.Id, new ContactInput("0733000002", "Otieno", null));
        var optedOut = await contacts.AddAsync(org, book.Id, new ContactInput("0722000003", "Akinyi", null));
        await contacts.SetStatusAsync(org, book.Id, [optedOut.Id], ContactStatus.OptedOut);
        return (services, org, book.Id);
    }

    [Fact]
    public async Task Sending_to_books_queues_one_message_per_unique_active_number_and_reserves_their_cost()
    {
        var (services, org, book) = await SeedAsync();
        await using var _ = services;

        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org,
            Message = "Habari {first_name}, your {branch} statement is ready.",
            AddressBookIds = [book],
            Numbers = ["0712 000 001", "0799000004"],
            CreatedBy = "admin@acme.co.ke",
        });

        Assert.Equal((CampaignStatus.Queued, "ACMEKE", 3, 3, 3m), (result.Status, result.SenderId, result.Total, result.Queued.Count, result.Cost));
        Assert.Equal(["Customers"], result.GroupNames);
        await using var db = services.NewDb();
        var messages = await db.Messages.OrderBy(m => m.Address).ToListAsync();
        Assert.Equal(["254712000001", "254733000002", "254799000004"], messages.Select(m => m.Address));
        Assert.Equal("Habari Wanjiku, your CBD statement is ready.", messages[0].Body);
        Assert.Equal("Habari Otieno, your  statement is ready.", messages[1].Body);
        Assert.All(messages, m => Assert.Equal((MessageStatus.Queued, MessageSource.Web, 1, 1m), (m.Status, m.Source, m.Segments, m.Cost)));
        var wallet = await db.Wallets.SingleAsync();
        Assert.Equal((97m, 3m), (wallet.Available, wallet.Reserved));
        var reserve = await db.WalletLedger.SingleAsync(e => e.Kind == LedgerEntryKind.Reserve);
        Assert.Equal($"campaign:{result.CampaignId:N}", reserve.Reference);
        var campaign = await db.Campaigns.SingleAsync();
        Assert.Equal((3, 3m, "Customers"), (campaign.RecipientsCount, campaign.EstimatedCost, campaign.Name));
    }

    [Fact]
    public async Task The_estimate_is_what_the_send_reserves_even_when_personalisation_changes_the_parts()
    {
        var (services, org, book) = await SeedAsync();
        await using var _ = services;
        // 145 characters around the name and branch: both contacts need two parts, the typed number (no name) one.
        var request = new SendRequest
        {
            OrganisationId = org, AddressBookIds = [book], Numbers = ["0799000004"],
            Message = "Habari {first_name} {branch}! " + new string('x', 145),
        };
        var campaigns = services.Get<CampaignService>();

        var estimate = await campaigns.EstimateAsync(request);
        var sent = await campaigns.SendToAddressBooksAsync(request);

        Assert.Equal((3, 5m, sent.Cost), (estimate.Messages, estimate.Cost, estimate.Cost));
        Assert.NotEqual(3 * campaigns.Quote(request.Message, new Recipient("254799000004", default, null, null, null), default, 1).CostPerRecipient, estimate.Cost);
        await using var db = services.NewDb();
        Assert.Equal(estimate.Cost, (await db.Wallets.SingleAsync()).Reserved);
    }

    [Fact]
    public async Task The_address_book_path_refuses_what_the_balance_cannot_cover_and_stores_nothing()
    {
        var (services, org, book) = await SeedAsync(credit: 1m);
        await using var _ = services;

        var error = await Assert.ThrowsAsync<DomainException>(() => services.Get<CampaignService>().SendToAddressBooksAsync(
            new SendRequest { OrganisationId = org, Message = "Hello", AddressBookIds = [book] }));

        Assert.Equal("insufficient_balance", error.Code);
        Assert.Contains("Required KES 2.00, available KES 1.00", error.Message);
        await using var db = services.NewDb();
        Assert.Empty(await db.Campaigns.ToListAsync());
        Assert.Empty(await db.Messages.ToListAsync());
        Assert.Equal((1m, 0m), (await db.Wallets.Select(w => new { w.Available, w.Reserved }).SingleAsync()) is var w ? (w.Available, w.Reserved) : default);
    }

    [Fact]
    public async Task The_bulk_path_queues_what_the_balance_covers_and_skips_the_rest()
    {
        var (services, org, _) = await SeedAsync(credit: 2m);
        await using var __ = services;

        var result = await services.Get<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = org,
            Message = "Your promo code is SAVE20.",
            Numbers = ["254712345678", "254723456789", "254712345678", "254734567890", "254799999999", "12345"],
            Source = MessageSource.Api,
        });

        Assert.Equal(4, result.Total);
        Assert.Equal(["254712345678", "254723456789"], result.Queued.Select(q => q.Mobile));
        Assert.Equal(
            [("12345", "invalid_mobile"), ("254734567890", "insufficient_balance"), ("254799999999", "skipped")],
            result.Errors.Select(e => (e.Mobile, e.Error)));
        Assert.Equal("Insufficient balance. Required KES 1.00, available KES 0.00.", result.Errors[1].Detail);
        Assert.Equal("Processing stopped due to insufficient balance.", result.Errors[2].Detail);
        await using var db = services.NewDb();
        Assert.Equal((0m, 2m), (await db.Wallets.SingleAsync()) is var w ? (w.Available, w.Reserved) : default);
        Assert.All(await db.Messages.ToListAsync(), m => Assert.Equal(MessageSource.Api, m.Source));
    }

    [Fact]
    public async Task A_bulk_recipient_whose_message_personalises_to_nothing_is_reported_and_costs_nothing()
    {
        var (services, org, _) = await SeedAsync(credit: 5m);
        await using var __ = services;
        var campaigns = services.Get<CampaignService>();

        // Typed numbers have no names: {first_name} is empty for each of them, so nothing is sent and nothing reserved.
        var empty = await campaigns.SendBulkAsync(new SendRequest { OrganisationId = org, Message = "{first_name}", Numbers = ["0712000021", "0712000022"] });
        var mixed = await campaigns.SendBulkAsync(new SendRequest { OrganisationId = org, Message = "{first_name} {mobile}", Numbers = ["0712000021"] });

        Assert.Null(empty.CampaignId);
        Assert.Empty(empty.Queued);
        Assert.Equal([("254712000021", "empty_message"), ("254712000022", "empty_message")], empty.Errors.Select(e => (e.Mobile, e.Error)));
        Assert.Contains("{first_name}", empty.Errors[0].Detail);
        Assert.Equal(["254712000021"], mixed.Queued.Select(q => q.Mobile));
        await using var db = services.NewDb();
        Assert.Equal(["254712000021"], await db.Messages.Select(m => m.Body).ToListAsync());
        Assert.Equal((4m, 1m), (await db.Wallets.SingleAsync()) is var w ? (w.Available, w.Reserved) : default);
    }

    [Fact]
    public async Task Contacts_of_a_book_whose_message_personalises_to_nothing_get_none_and_the_rest_are_sent()
    {
        var (services, org, book) = await SeedAsync();
        await using var __ = services;
        var campaigns = services.Get<CampaignService>();
        await services.Get<ContactService>().AddAsync(org, book, new ContactInput("0712000021", null, null));

        var result = await campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Message = "{branch}", AddressBookIds = [book] });
        var none = await Assert.ThrowsAsync<DomainException>(() =>
            campaigns.SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Message = "{nickname}", AddressBookIds = [book] }));

        // Only Wanjiku has a branch; the other two active contacts would have got an empty SMS, sent free.
        Assert.Equal((1, 1m), (result.Queued.Count, result.Cost));
        Assert.Equal(["254712000021", "254733000002"], result.Errors.Select(e => e.Mobile).Order());
        Assert.All(result.Errors, e => Assert.Equal("empty_message", e.Error));
        Assert.Equal(("validation_error", "message"), (none.Code, none.Field));
        Assert.Contains("{nickname}", none.Message);
        await using var db = services.NewDb();
        Assert.Equal(["CBD"], await db.Messages.Select(m => m.Body).ToListAsync());
        Assert.Equal(1, (await db.Campaigns.SingleAsync()).RecipientsCount);
    }

    [Fact]
    public async Task Promotional_messages_carry_the_opt_out_counted_in_cost_and_wait_for_the_window()
    {
        var (services, org, book) = await SeedAsync();
        await using var _ = services;
        var senders = services.Get<SenderIdService>();
        var promo = await senders.RegisterAsync(org, "ACMEPROMO", SenderIdCategory.Promotional);
        await senders.ApproveAsync(org, promo.Id, "admin");
        services.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 16, 30, 0, TimeSpan.Zero)); // 19:30 in Nairobi
        var message = new string('a', 150); // fits one part alone, two with the opt-out text

        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Message = message, SenderId = "acmepromo", AddressBookIds = [book],
        });

        Assert.Equal(CampaignStatus.Scheduled, result.Status);
        Assert.Equal(new DateTime(2026, 11, 26, 5, 0, 0), result.ScheduledAt); // 08:00 the next morning
        Assert.Equal(4m, result.Cost);
        await using var db = services.NewDb();
        var sent = await db.Messages.FirstAsync();
        Assert.Equal(message + "\nSTOP*456*9*5#", sent.Body);
        Assert.Equal((2, "ACMEPROMO"), (sent.Segments, sent.SenderId));
    }

    [Fact]
    public async Task A_send_scheduled_for_later_waits_with_its_time()
    {
        var (services, org, book) = await SeedAsync();
        await using var _ = services;
        var at = services.Clock.GetUtcNow().UtcDateTime.AddHours(3);

        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest { OrganisationId = org, Message = "Hi", AddressBookIds = [book], ScheduledAt = at });

        Assert.Equal((CampaignStatus.Scheduled, at), (result.Status, result.ScheduledAt));
        await using var db = services.NewDb();
        Assert.All(await db.Messages.ToListAsync(), m => Assert.Equal(at, m.ScheduledAt));
    }

    [Fact]
    public async Task Bad_sends_say_what_to_fix_and_leave_the_wallet_alone()
    {
        var (services, org, book) = await SeedAsync();
        await using var _ = services;
        var campaigns = services.Get<CampaignService>();
        await services.Get<SenderIdService>().RegisterAsync(org, "PENDING1", SenderIdCategory.Transactional);
        var now = services.Clock.GetUtcNow().UtcDateTime;
        SendRequest Valid() => new() { OrganisationId = org, Message = "Hello", AddressBookIds = [book] };

        var cases = new (SendRequest Request, string Field)[]
        {
            (Valid() with { Message = "   " }, "message"),
            (Valid() with { Message = new string('x', 1531) }, "message"),
            (Valid() with { SenderId = "PENDING1" }, "senderId"),
            (Valid() with { SenderId = "NOSUCH" }, "senderId"),
            (Valid() with { ScheduledAt = now.AddHours(-1) }, "scheduledAt"),
            (Valid() with { AddressBookIds = [], Numbers = ["12345", "0722000003"] }, "recipients"),
            (Valid() with { AddressBookIds = [], Numbers = Enumerable.Range(0, 10_001).Select(i => $"0712{i:D6}").ToList() }, "recipients"),
        };
        foreach (var (request, field) in cases)
            Assert.Equal(field, (await Assert.ThrowsAsync<DomainException>(() => campaigns.SendToAddressBooksAsync(request))).Field);

        await using var db = services.NewDb();
        Assert.Empty(await db.Campaigns.ToListAsync());
        Assert.Equal(100m, (await db.Wallets.SingleAsync()).Available);
    }

    [Fact]
    public async Task Ten_thousand_pasted_numbers_are_accepted_in_one_send()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 20_000m);
        string[] prefixes = ["0712", "0733", "0771"];
        var numbers = Enumerable.Range(0, 10_000).Select(i => $"{prefixes[i % 3]}{i:D6}").ToList();

        var result = await services.Get<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = org, Message = "Karibu!", Numbers = numbers });

        Assert.Equal((10_000, 10_000m), (result.Queued.Count, result.Cost));
        await using var db = services.NewDb();
        Assert.Equal(10_000, await db.Messages.CountAsync());
        Assert.Equal(10_000m, (await db.Wallets.SingleAsync()).Reserved);
    }
}
