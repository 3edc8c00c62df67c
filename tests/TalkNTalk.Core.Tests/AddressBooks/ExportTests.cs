using System.Text;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.AddressBooks;

public sealed class ExportTests
{
    [Fact]
    public async Task Export_then_import_into_a_new_book_reproduces_it()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var books = services.Get<AddressBookService>();
        var contacts = services.Get<ContactService>();
        var source = await books.CreateAsync(org, "Source", null);
        await contacts.AddAsync(org, source.Id, new ContactInput("0712345678", "Wanjiku, Jr.", "Kamau", new Dictionary<string, string> { ["branch"] = "CBD", ["plan"] = "Gold" }));
        await contacts.AddAsync(org, source.Id, new ContactInput("0733111222", "Otieno", null, Email: "Otieno@Duka.co.ke", TelegramChatId: "123456789"));
        await contacts.AddAsync(org, source.Id, new ContactInput(null, "Akinyi", null, Email: "akinyi@example.com", SlackUserId: "u024be7lh"));

        var text = new StringWriter();
        var count = await services.Get<ContactExporter>().WriteCsvAsync(org, source.Id, text);
        var lines = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, count);
        Assert.Equal("mobile,email,telegram_chat_id,slack_user_id,first_name,last_name,status,network,branch,plan,created_at", lines[0]);
        Assert.StartsWith("254712345678,,,,\"Wanjiku, Jr.\",Kamau,active,safaricom,CBD,Gold,2026-11-25T09:00:00+03:00", lines[1]);
        Assert.StartsWith("254733111222,otieno@duka.co.ke,123456789,,Otieno,,active,airtel,,,", lines[2]);
        Assert.StartsWith(",akinyi@example.com,,U024BE7LH,Akinyi,,active,none,,,", lines[3]);

        var copy = await books.CreateAsync(org, "Copy", null);
        var importer = services.Get<ContactImporter>();
        await using var csv = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        // The columns the import page suggests for the exported header.
        var preview = await importer.PreviewAsync(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())));
        Assert.Equal((0, 1, 2, 3, 4, 5), (preview.SuggestedMobileColumn, preview.SuggestedEmailColumn, preview.SuggestedTelegramColumn, preview.SuggestedSlackColumn,
            preview.SuggestedFirstNameColumn, preview.SuggestedLastNameColumn));
        var report = await importer.ImportAsync(org, copy.Id, csv, new ColumnMapping(0, 4, 5, new Dictionary<int, string> { [8] = "branch", [9] = "plan" },
            EmailColumn: 1, TelegramColumn: 2, SlackColumn: 3));
        Assert.Equal((3, 0), (report.Imported, report.Invalid.Count));
        var copied = (await contacts.QueryAsync(org, copy.Id, new ContactQuery(Sort: ContactSort.Mobile))).Items;
        var original = (await contacts.QueryAsync(org, source.Id, new ContactQuery(Sort: ContactSort.Mobile))).Items;
        Assert.Equal(original.Select(c => (c.Mobile, c.Email, c.TelegramChatId, c.SlackUserId, c.Network, c.FullName, string.Join(",", c.CustomFields))),
            copied.Select(c => (c.Mobile, c.Email, c.TelegramChatId, c.SlackUserId, c.Network, c.FullName, string.Join(",", c.CustomFields))));
    }

    [Fact]
    public async Task Another_organisations_book_is_not_exported()
    {
        await using var services = await TestServices.StartAsync();
        var acme = await services.CreateOrganisationAsync("Acme Kenya");
        var baraka = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        var theirs = await services.Get<AddressBookService>().CreateAsync(baraka, "Theirs", null);
        var error = await Assert.ThrowsAsync<DomainException>(() => services.Get<ContactExporter>().WriteCsvAsync(acme, theirs.Id, new StringWriter()));
        Assert.Equal("not_found", error.Code);
    }
}
