using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.AddressBooks;

public sealed class RecipientResolverTests
{
    [Fact]
    public async Task Each_channel_reaches_the_contacts_with_its_address_and_an_opt_out_stops_only_its_channel()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var book = await services.Get<AddressBookService>().CreateAsync(org, "Members", null);
        var other = await services.Get<AddressBookService>().CreateAsync(org, "Other", null);
        var contacts = services.Get<ContactService>();
        var wanjiku = await contacts.AddAsync(org, book.Id, new ContactInput("0712000001", "Wanjiku", null, Email: "wanjiku@example.co.ke"));
        await contacts.AddAsync(org, book.Id, new ContactInput(null, "Otieno", null, Email: "otieno@example.co.ke", TelegramChatId: "5550001"));
        await contacts.AddAsync(org, book.Id, new ContactInput("0733000002", "Akinyi", null));
        await contacts.AddAsync(org, other.Id, new ContactInput(null, "Otieno", null, Email: "OTIENO@example.co.ke")); // the same address in another book
        var resolver = services.Get<RecipientResolver>();

        // Wanjiku sends STOP to the SMS: her e-mail still comes.
        await contacts.SetChannelOptOutAsync(org, book.Id, wanjiku.Id, Channel.Sms, optedOut: true);

        var sms = await resolver.ResolveAsync(org, [book.Id], channel: Channel.Sms);
        var email = await resolver.ResolveAsync(org, [book.Id, other.Id], channel: Channel.Email);
        var telegram = await resolver.ResolveAsync(org, [book.Id], channel: Channel.Telegram);
        Assert.Equal(["254733000002"], sms.Recipients.Select(r => r.Address));
        Assert.Equal((3, 1, 1), (sms.ContactRows, sms.OptedOut, sms.WithoutAddress));
        Assert.Equal(["otieno@example.co.ke", "wanjiku@example.co.ke"], email.Recipients.Select(r => r.Address).Order());
        Assert.Equal((1, 1), (email.Duplicates, email.WithoutAddress));
        Assert.All(email.Recipients, r => Assert.Equal(Network.None, r.Network));
        Assert.Equal(["5550001"], telegram.Recipients.Select(r => r.Address));
        Assert.Equal((1, 2, 1), (await resolver.CountAsync(org, [book.Id], Channel.Sms), await resolver.CountAsync(org, [book.Id], Channel.Email),
            await resolver.CountAsync(org, [book.Id], Channel.Telegram)));
        Assert.Contains("254712000001", await resolver.OptedOutAsync(org, Channel.Sms));
        Assert.Empty(await resolver.OptedOutAsync(org, Channel.Email));

        // The page shows it, and opting back in sends again; opting out twice is harmless.
        await contacts.SetChannelOptOutAsync(org, book.Id, wanjiku.Id, Channel.Sms, optedOut: true);
        var shown = (await contacts.QueryAsync(org, book.Id, new ContactQuery(Search: "0712"))).Items.Single();
        Assert.Equal([Channel.Sms], shown.OptedOutOf);
        Assert.True(shown.IsOptedOutOf(Channel.Sms) && !shown.IsOptedOutOf(Channel.Email));
        await contacts.SetChannelOptOutAsync(org, book.Id, wanjiku.Id, Channel.Sms, optedOut: false);
        Assert.Equal(2, await resolver.CountAsync(org, [book.Id], Channel.Sms));

        // A channel the contact has no address on has nothing to opt out of.
        var error = await Assert.ThrowsAsync<DomainException>(() => contacts.SetChannelOptOutAsync(org, book.Id, wanjiku.Id, Channel.Slack, optedOut: true));
        Assert.Equal("channel", error.Field);
    }

    [Fact]
    public async Task Moving_an_opted_out_contact_onto_a_book_that_has_one_of_its_addresses_keeps_every_address_out()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var books = services.Get<AddressBookService>();
        var from = await books.CreateAsync(org, "Old", null);
        var to = await books.CreateAsync(org, "New", null);
        var contacts = services.Get<ContactService>();
        var gone = await contacts.AddAsync(org, from.Id, new ContactInput("0712000001", "X", null, Email: "x@example.com"));
        await contacts.SetStatusAsync(org, from.Id, [gone.Id], ContactStatus.OptedOut);
        await contacts.AddAsync(org, to.Id, new ContactInput("0733000002", "Y", null, Email: "x@example.com"));
        var elsewhere = await books.CreateAsync(org, "Elsewhere", null);
        await contacts.AddAsync(org, elsewhere.Id, new ContactInput("0712000001", "X again", null));

        var moved = await contacts.MoveAsync(org, from.Id, [gone.Id], to.Id);

        Assert.Equal((0, 1), (moved.Transferred, moved.AlreadyThere));
        var resolver = services.Get<RecipientResolver>();
        Assert.Empty((await resolver.ResolveAsync(org, [elsewhere.Id])).Recipients);
        Assert.Empty((await resolver.ResolveAsync(org, [to.Id], channel: Channel.Email)).Recipients);
        Assert.Single((await resolver.ResolveAsync(org, [to.Id])).Recipients); // Y's own number still gets SMS
    }

    [Fact]
    public async Task Unique_active_numbers_across_books_leaving_out_opt_outs_from_any_book()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var books = services.Get<AddressBookService>();
        var contacts = services.Get<ContactService>();
        var a = await books.CreateAsync(org, "A", null);
        var b = await books.CreateAsync(org, "B", null);
        var c = await books.CreateAsync(org, "C (not chosen)", null);
        await contacts.AddAsync(org, a.Id, new ContactInput("0712000001", "Wanjiku", "Kamau", new Dictionary<string, string> { ["branch"] = "CBD" }));
        await contacts.AddAsync(org, a.Id, new ContactInput("0712000002", "Otieno", null));
        await contacts.AddAsync(org, b.Id, new ContactInput("0712000001", "Other", "Name")); // duplicate across books
        await contacts.AddAsync(org, b.Id, new ContactInput("0733000003", "Akinyi", null));
        var optedInB = await contacts.AddAsync(org, b.Id, new ContactInput("0771000004", "Njeri", null));
        await contacts.SetStatusAsync(org, b.Id, [optedInB.Id], ContactStatus.OptedOut);
        await contacts.AddAsync(org, a.Id, new ContactInput("0722000005", "Kiprono", null));
        var optedInC = await contacts.AddAsync(org, c.Id, new ContactInput("0722000005", "Kiprono", null)); // opted out elsewhere
        await contacts.SetStatusAsync(org, c.Id, [optedInC.Id], ContactStatus.OptedOut);
        var resolver = services.Get<RecipientResolver>();

        var plain = await resolver.ResolveAsync(org, [a.Id, b.Id]);
        var detailed = await resolver.ResolveAsync(org, [a.Id, b.Id], withDetails: true);

        Assert.Equal(["254712000001", "254712000002", "254733000003"], plain.Recipients.Select(r => r.Address).Order());
        Assert.Equal((6, 1, 2), (plain.ContactRows, plain.Duplicates, plain.OptedOut));
        Assert.Equal(Network.Airtel, plain.Recipients.Single(r => r.Address == "254733000003").Network);
        Assert.Null(plain.Recipients[0].FirstName);
        var wanjiku = detailed.Recipients.Single(r => r.Address == "254712000001");
        Assert.Equal(("Wanjiku", "{\"branch\":\"CBD\"}"), (wanjiku.FirstName, wanjiku.CustomFields));
        Assert.Equal(3, await resolver.CountAsync(org, [a.Id, b.Id]));
    }

    [Fact]
    public async Task Books_of_another_organisation_or_none_at_all_are_refused()
    {
        await using var services = await TestServices.StartAsync();
        var acme = await services.CreateOrganisationAsync("Acme Kenya");
        var baraka = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        var mine = await services.Get<AddressBookService>().CreateAsync(acme, "Mine", null);
        var theirs = await services.Get<AddressBookService>().CreateAsync(baraka, "Theirs", null);
        var resolver = services.Get<RecipientResolver>();

        Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(() => resolver.ResolveAsync(acme, [mine.Id, theirs.Id]))).Code);
        Assert.Equal("addressBooks", (await Assert.ThrowsAsync<DomainException>(() => resolver.ResolveAsync(acme, []))).Field);
        Assert.Empty((await resolver.ResolveAsync(acme, [mine.Id, mine.Id])).Recipients);
    }
}
