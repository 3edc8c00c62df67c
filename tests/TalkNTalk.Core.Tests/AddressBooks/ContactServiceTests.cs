using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.AddressBooks;

public sealed class ContactServiceTests
{
    private static async Task<(TestServices Services, Guid Org, Guid Book, ContactService Contacts)> SeedAsync()
    {
        var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var book = await services.Get<AddressBookService>().CreateAsync(org, "Customers", null);
        var contacts = services.Get<ContactService>();
        await contacts.AddAsync(org, book.Id, new ContactInput("0712 345 678", "Wanjiku", "Kamau", new Dictionary<string, string> { ["Branch Name"] = "Westlands" }));
        await contacts.AddAsync(org, book.Id, new ContactInput("+254 733 111 222", "Otieno", "Odhiambo"));
        await contacts.AddAsync(org, book.Id, new ContactInput("254771000111", "Njeri", "Wambui"));
        await contacts.AddAsync(org, book.Id, new ContactInput("0110 222 333", "Kiprono", "Kamau"));
        return (services, org, book.Id, contacts);
    }

    [Fact]
    public async Task A_contact_needs_one_address_of_any_kind_each_valid_and_once_per_book()
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;

        var akinyi = await contacts.AddAsync(org, book, new ContactInput(null, "Akinyi", null, Email: " Akinyi@Example.CO.KE ", TelegramChatId: "-1001234567", SlackUserId: "u024be7lh"));
        Assert.Equal((null, Network.None, "akinyi@example.co.ke", "-1001234567", "U024BE7LH"), (akinyi.Mobile, akinyi.Network, akinyi.Email, akinyi.TelegramChatId, akinyi.SlackUserId));
        Assert.Equal("akinyi@example.co.ke", akinyi.PrimaryAddress);

        async Task<DomainException> Refused(ContactInput input) => await Assert.ThrowsAsync<DomainException>(() => contacts.AddAsync(org, book, input));
        Assert.Equal(("mobile", ContactService.NoAddress), ((await Refused(new ContactInput(" ", "Nobody", null))).Field, (await Refused(new ContactInput(null, "Nobody", null))).Message));
        Assert.Equal("email", (await Refused(new ContactInput(null, "Bad", null, Email: "wanjiku at example.co.ke"))).Field);
        Assert.Equal("email", (await Refused(new ContactInput(null, "Bad", null, Email: "Wanjiku <wanjiku@example.co.ke>"))).Field);
        Assert.Equal("telegramChatId", (await Refused(new ContactInput(null, "Bad", null, TelegramChatId: "@wanjiku"))).Field);
        Assert.Equal("slackUserId", (await Refused(new ContactInput(null, "Bad", null, SlackUserId: "@wanjiku"))).Field);
        var twice = await Refused(new ContactInput("0799 000 111", "Again", null, Email: "AKINYI@example.co.ke"));
        Assert.Equal(("email", "akinyi@example.co.ke is already in this address book."), (twice.Field, twice.Message));

        // Searching finds her by part of any address.
        foreach (var search in new[] { "akinyi@", "EXAMPLE.co", "u024", "1001234" })
            Assert.Equal([akinyi.Id], (await contacts.QueryAsync(org, book, new ContactQuery(Search: search))).Items.Select(c => c.Id));
    }

    [Fact]
    public async Task Numbers_are_stored_normalised_with_their_network()
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;

        var (all, total) = await contacts.QueryAsync(org, book, new ContactQuery(Sort: ContactSort.Mobile));

        Assert.Equal(4, total);
        Assert.Equal(["254110222333", "254712345678", "254733111222", "254771000111"], all.Select(c => c.Mobile));
        Assert.Equal([Network.Safaricom, Network.Safaricom, Network.Airtel, Network.Telkom], all.Select(c => c.Network));
        Assert.Equal("Westlands", all[1].CustomFields["branch_name"]);
    }

    [Theory]
    [InlineData("0712", "254712345678")]
    [InlineData("+254712", "254712345678")]
    [InlineData("712 345", "254712345678")]
    [InlineData("0733-111", "254733111222")]
    [InlineData("wanjiku", "254712345678")]
    [InlineData("Odhiambo Otieno", "254733111222")]
    [InlineData("njeri wambui", "254771000111")]
    public async Task Search_finds_partial_numbers_in_any_format_and_names(string search, string expected)
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;

        var (found, _) = await contacts.QueryAsync(org, book, new ContactQuery(Search: search));

        Assert.Equal(expected, Assert.Single(found).Mobile);
    }

    [Theory]
    [InlineData("jose"), InlineData("JOSÉ"), InlineData("jóse núñez"), InlineData("nunez")]
    public async Task Search_ignores_accents_and_case(string search)
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;
        await contacts.AddAsync(org, book, new ContactInput("0722 000 111", "José", "Núñez"));

        var (found, _) = await contacts.QueryAsync(org, book, new ContactQuery(Search: search));

        Assert.Equal("254722000111", Assert.Single(found).Mobile);
    }

    [Fact]
    public async Task Search_covers_custom_field_values_and_matching_ids_follow_the_query()
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;

        var (found, total) = await contacts.QueryAsync(org, book, new ContactQuery(Search: "westlands"));
        var ids = await contacts.MatchingIdsAsync(org, book, new ContactQuery(Search: "kamau"));
        var safaricomKamau = await contacts.MatchingIdsAsync(org, book, new ContactQuery(Search: "kamau", Network: Network.Safaricom));

        Assert.Equal(1, total);
        Assert.Equal("254712345678", Assert.Single(found).Mobile);
        Assert.Equal(2, ids.Count);
        Assert.Equal(2, safaricomKamau.Count);
        Assert.Empty(await contacts.MatchingIdsAsync(org, book, new ContactQuery(Search: "branch")));
    }

    [Fact]
    public async Task Filters_combine_and_pages_are_stable()
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;

        var kamau = await contacts.QueryAsync(org, book, new ContactQuery(Search: "kamau", Network: Network.Safaricom));
        Assert.Equal(2, kamau.Total);

        var page1 = await contacts.QueryAsync(org, book, new ContactQuery(Sort: ContactSort.LastName, Take: 2));
        var page2 = await contacts.QueryAsync(org, book, new ContactQuery(Sort: ContactSort.LastName, Skip: 2, Take: 2));
        Assert.Equal(4, page1.Items.Concat(page2.Items).Select(c => c.Id).Distinct().Count());
        Assert.Equal("Kamau", page1.Items[0].LastName);
    }

    [Theory]
    [InlineData("", "mobile")]
    [InlineData("+44 20 7946 0958", "mobile")]
    [InlineData("0712345678", "mobile")] // already in the book
    public async Task Bad_contacts_are_refused_with_the_field_to_fix(string mobile, string field)
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;

        var error = await Assert.ThrowsAsync<DomainException>(() => contacts.AddAsync(org, book, new ContactInput(mobile, "Test", null)));

        Assert.Equal(field, error.Field);
        Assert.Equal(4, (await contacts.QueryAsync(org, book, new ContactQuery())).Total);
    }

    [Fact]
    public async Task Names_with_swahili_characters_and_emoji_are_kept()
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;

        var added = await contacts.AddAsync(org, book, new ContactInput("0799000111", "Ng'ang'a 🌍", "Müller-Wairimu"));

        Assert.Equal("Ng'ang'a 🌍 Müller-Wairimu", added.FullName);
    }

    [Fact]
    public async Task Opt_out_edit_and_remove_change_only_the_chosen_contacts()
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;
        var all = (await contacts.QueryAsync(org, book, new ContactQuery(Sort: ContactSort.Mobile))).Items;

        Assert.Equal(1, await contacts.SetStatusAsync(org, book, [all[0].Id], ContactStatus.OptedOut));
        Assert.Equal(0, await contacts.SetStatusAsync(org, book, [all[0].Id], ContactStatus.OptedOut));
        Assert.Equal(1, (await contacts.QueryAsync(org, book, new ContactQuery(Status: ContactStatus.OptedOut))).Total);

        var edited = await contacts.UpdateAsync(org, book, all[1].Id, new ContactInput("0712 999 888", "Wanjiku", "Kamau-Njoroge"));
        Assert.Equal("254712999888", edited.Mobile);
        Assert.Equal("mobile", (await Assert.ThrowsAsync<DomainException>(() =>
            contacts.UpdateAsync(org, book, all[1].Id, new ContactInput(all[2].Mobile, "x", null)))).Field);

        Assert.Equal(2, await contacts.RemoveAsync(org, book, [all[2].Id, all[3].Id]));
        Assert.Equal(2, (await contacts.QueryAsync(org, book, new ContactQuery())).Total);
    }

    [Fact]
    public async Task Move_and_copy_skip_numbers_already_in_the_target()
    {
        var (services, org, book, contacts) = await SeedAsync();
        await using var _ = services;
        var other = await services.Get<AddressBookService>().CreateAsync(org, "VIP", null);
        await contacts.AddAsync(org, other.Id, new ContactInput("0712345678", "Already", "There"));
        var all = (await contacts.QueryAsync(org, book, new ContactQuery(Sort: ContactSort.Mobile))).Items;
        var ids = all.Select(c => c.Id).ToList();

        var copied = await contacts.CopyAsync(org, book, ids, other.Id);
        Assert.Equal(new TransferResult(3, 1), copied);
        Assert.Equal(4, (await contacts.QueryAsync(org, book, new ContactQuery())).Total);
        Assert.Equal(4, (await contacts.QueryAsync(org, other.Id, new ContactQuery())).Total);

        var third = await services.Get<AddressBookService>().CreateAsync(org, "Archive", null);
        var moved = await contacts.MoveAsync(org, book, ids, third.Id);
        Assert.Equal(new TransferResult(4, 0), moved);
        Assert.Equal(0, (await contacts.QueryAsync(org, book, new ContactQuery())).Total);
        Assert.Equal("target", (await Assert.ThrowsAsync<DomainException>(() => contacts.MoveAsync(org, third.Id, ids, third.Id))).Field);
    }
}
