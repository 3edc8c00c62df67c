using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.AddressBooks;

public sealed class RecipientResolverTests
{
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

        Assert.Equal(["254712000001", "254712000002", "254733000003"], plain.Recipients.Select(r => r.Mobile).Order());
        Assert.Equal((6, 1, 2), (plain.ContactRows, plain.Duplicates, plain.OptedOut));
        Assert.Equal(Network.Airtel, plain.Recipients.Single(r => r.Mobile == "254733000003").Network);
        Assert.Null(plain.Recipients[0].FirstName);
        var wanjiku = detailed.Recipients.Single(r => r.Mobile == "254712000001");
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
