using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.AddressBooks;

public sealed class AddressBookServiceTests
{
    [Fact]
    public async Task Books_are_listed_by_name_with_their_counts_and_found_by_part_of_the_name()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var books = services.Get<AddressBookService>();
        var contacts = services.Get<ContactService>();
        var premium = await books.CreateAsync(org, "Premium customers", "Gold and platinum");
        await books.CreateAsync(org, "Agents", null);
        await contacts.AddAsync(org, premium.Id, new ContactInput("0712345678", "Wanjiku", "Kamau"));
        var optedOut = await contacts.AddAsync(org, premium.Id, new ContactInput("0733111222", "Otieno", null));
        await contacts.SetStatusAsync(org, premium.Id, [optedOut.Id], ContactStatus.OptedOut);

        var (all, total) = await books.ListAsync(org);
        var (found, foundTotal) = await books.ListAsync(org, "custom");

        Assert.Equal(2, total);
        Assert.Equal(["Agents", "Premium customers"], all.Select(b => b.Name));
        Assert.Equal((1, 2), (all[1].ActiveContacts, all[1].TotalContacts));
        Assert.Equal(1, foundTotal);
        Assert.Equal("Premium customers", Assert.Single(found).Name);
        Assert.Empty((await books.ListAsync(org, "100%")).Items);
    }

    [Theory]
    [InlineData("", null, "name")]
    [InlineData("   ", null, "name")]
    [InlineData("agents", null, "name")]
    public async Task Bad_names_are_refused_with_the_field_to_fix(string name, string? description, string field)
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var books = services.Get<AddressBookService>();
        await books.CreateAsync(org, "Agents", null);

        var error = await Assert.ThrowsAsync<DomainException>(() => books.CreateAsync(org, name, description));

        Assert.Equal(field, error.Field);
        Assert.Equal(1, (await books.ListAsync(org)).Total);
    }

    [Fact]
    public async Task Rename_keeps_names_unique_and_delete_takes_the_contacts_along()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var books = services.Get<AddressBookService>();
        var contacts = services.Get<ContactService>();
        var agents = await books.CreateAsync(org, "Agents", null);
        var staff = await books.CreateAsync(org, "Staff", null);
        await contacts.AddAsync(org, staff.Id, new ContactInput("0712345678", "Akinyi", null));
        await contacts.AddAsync(org, staff.Id, new ContactInput("0722345678", "Baraka", null));

        Assert.Equal("name", (await Assert.ThrowsAsync<DomainException>(() => books.UpdateAsync(org, agents.Id, "STAFF", null))).Field);
        var renamed = await books.UpdateAsync(org, agents.Id, "Field agents", "Upcountry");
        Assert.Equal(("Field agents", "Upcountry"), (renamed.Name, renamed.Description));

        Assert.Equal(2, await books.DeleteAsync(org, staff.Id));
        await using var db = services.NewDb();
        Assert.Empty(db.Contacts.ToList());
        Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(() => books.GetAsync(org, staff.Id))).Code);
    }

    [Fact]
    public async Task Another_organisations_book_is_not_found()
    {
        await using var services = await TestServices.StartAsync();
        var acme = await services.CreateOrganisationAsync("Acme Kenya");
        var baraka = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        var books = services.Get<AddressBookService>();
        var barakaBook = await books.CreateAsync(baraka, "Members", null);

        Assert.Empty((await books.ListAsync(acme)).Items);
        foreach (var attempt in new Func<Task>[]
                 {
                     () => books.GetAsync(acme, barakaBook.Id),
                     () => books.UpdateAsync(acme, barakaBook.Id, "Mine now", null),
                     () => books.DeleteAsync(acme, barakaBook.Id),
                     () => services.Get<ContactService>().QueryAsync(acme, barakaBook.Id, new ContactQuery()),
                     () => services.Get<ContactService>().AddAsync(acme, barakaBook.Id, new ContactInput("0712345678", null, null)),
                 })
            Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(attempt)).Code);

        // The same name is free in another organisation.
        await books.CreateAsync(acme, "Members", null);
    }
}
