using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.AddressBooks;

public sealed class ContactSearchTests
{
    [Fact]
    public async Task The_database_folds_a_contacts_text_as_the_search_folds_what_is_typed()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var book = await services.Get<AddressBookService>().CreateAsync(org, "Everyone", null);
        var contacts = services.Get<ContactService>();
        ContactInput[] people =
        [
            new("0711 000 001", "José", "Núñez", new Dictionary<string, string> { ["Branch"] = "Ängelholm", ["Note"] = "Ça va" }),
            new("0711 000 002", "Jose\u0301", "ÑANDÚ"), // an accent typed as a combining mark
            new("0711 000 003", "Søren", "Straße"),
            new("0711 000 004", "Йорик", "Ёлкин"),
            new("0711 000 005", null, "Zoë", new Dictionary<string, string> { ["zeta"] = "Łódź", ["alpha"] = "Αθήνα" }),
            new("0711 000 006", "Wanjiku", null),
        ];
        foreach (var person in people)
            await contacts.AddAsync(org, book.Id, person);

        await using var db = services.NewDb();
        var rows = await db.Contacts.Where(c => c.AddressBookId == book.Id)
            .Select(c => new { c.FirstName, c.LastName, c.CustomFields, Text = ContactSearch.Text(c.FirstName, c.LastName, c.CustomFields) })
            .ToListAsync();

        Assert.Equal(people.Length, rows.Count);
        Assert.All(rows, row => Assert.Equal(ContactSearch.Text(row.FirstName, row.LastName, row.CustomFields), row.Text));
        Assert.Contains("jose nunez\nnunez jose\nangelholm\nca va", rows.Select(r => r.Text));
        // Accents go, letters of their own stay (ø, ß, ł), on either engine.
        foreach (var search in new[] { "søren", "STRAßE", "йорик", "елкин", "łodz", "αθηνα", "NANDU", "jose" })
            Assert.NotEmpty((await contacts.QueryAsync(org, book.Id, new ContactQuery(Search: search))).Items);
        foreach (var search in new[] { "soren", "strasse", "lodz" })
            Assert.Empty((await contacts.QueryAsync(org, book.Id, new ContactQuery(Search: search))).Items);
    }
}
