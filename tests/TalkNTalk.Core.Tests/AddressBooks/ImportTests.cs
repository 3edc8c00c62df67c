using System.Text;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.AddressBooks;

/// <summary>CSV import into a real SQLite book: cleaning, de-duplication, reports, and files that are not CSV.</summary>
public sealed class ImportTests
{
    private static readonly ColumnMapping Standard = new(0, 1, 2, new Dictionary<int, string> { [3] = "branch" });

    private static async Task<(TestServices Services, Guid Org, Guid Book)> BookAsync()
    {
        var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var book = await services.Get<AddressBookService>().CreateAsync(org, "Customers", null);
        return (services, org, book.Id);
    }

    private static Stream Csv(string text, bool bom = false) =>
        new MemoryStream((bom ? [0xEF, 0xBB, 0xBF] : Array.Empty<byte>()).Concat(Encoding.UTF8.GetBytes(text)).ToArray());

    private static Task<ImportReport> ImportAsync(TestServices services, Guid org, Guid book, string text, ColumnMapping? mapping = null) =>
        services.Get<ContactImporter>().ImportAsync(org, book, Csv(text), mapping ?? Standard);

    [Fact]
    public async Task An_email_column_is_recognised_and_rows_need_one_valid_address_of_any_kind()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;
        const string file = "Phone Number,E-mail,Name\n0712345678,Wanjiku@Example.co.ke,Wanjiku Kamau\n,otieno@duka.co.ke,Otieno\n0733111222,not-an-address,Akinyi\n,,Nobody\n,OTIENO@duka.co.ke,Again\n";
        var preview = await services.Get<ContactImporter>().PreviewAsync(Csv(file));
        Assert.Equal((0, 1, 2), (preview.SuggestedMobileColumn, preview.SuggestedEmailColumn, preview.SuggestedFullNameColumn));

        var report = await ImportAsync(services, org, book, file, new ColumnMapping(0, null, null, new Dictionary<int, string>(), FullNameColumn: 2, EmailColumn: 1));

        Assert.Equal((5, 2, 1), (report.Rows, report.Imported, report.DuplicatesInFile));
        Assert.Equal([4, 5], report.Invalid.Select(r => r.Line));
        Assert.StartsWith("\"not-an-address\" is not an e-mail address", report.Invalid[0].Reason);
        Assert.Equal(ContactService.NoAddress, report.Invalid[1].Reason);
        var contacts = (await services.Get<ContactService>().QueryAsync(org, book, new ContactQuery(Sort: ContactSort.CreatedAt))).Items;
        Assert.Equal([("254712345678", "wanjiku@example.co.ke", Network.Safaricom), (null, "otieno@duka.co.ke", Network.None)],
            contacts.Select(c => (c.Mobile, c.Email, c.Network)));

        // A second file adds the e-mail address to the contact it finds by number, and finds the other by e-mail.
        var again = await ImportAsync(services, org, book, "mobile,email,first_name\n0712345678,,Wanjiku\n0799000111,OTIENO@duka.co.ke,Otieno\n",
            new ColumnMapping(0, 2, null, new Dictionary<int, string>(), EmailColumn: 1));
        Assert.Equal((0, 1, 1), (again.Imported, again.Updated, again.AlreadyInBook));
        var otieno = (await services.Get<ContactService>().QueryAsync(org, book, new ContactQuery(Search: "otieno@"))).Items.Single();
        Assert.Equal(("254799000111", "otieno@duka.co.ke"), (otieno.Mobile, otieno.Email));
    }

    [Fact]
    public async Task Two_rows_that_find_one_contact_by_different_addresses_both_reach_it()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;
        await services.Get<ContactService>().AddAsync(org, book, new ContactInput("0712000001", "Old", null, TelegramChatId: "555"));

        var report = await ImportAsync(services, org, book, "mobile,email,telegram,first_name\n0712000001,a@example.com,,Jane\n,,555,\n",
            new ColumnMapping(0, 3, null, new Dictionary<int, string>(), EmailColumn: 1, TelegramColumn: 2));

        var jane = (await services.Get<ContactService>().QueryAsync(org, book, new ContactQuery())).Items.Single();
        Assert.Equal(("a@example.com", "Jane", "555"), (jane.Email, jane.FirstName, jane.TelegramChatId));
        Assert.Equal((1, 1), (report.Updated, report.AlreadyInBook));
    }

    [Fact]
    public async Task Numbers_in_every_format_are_normalised_and_counted()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;

        var report = await ImportAsync(services, org, book,
            "mobile,first,last,branch\n0712 345 678,Wanjiku,Kamau,Westlands\n+254-733-111-222,Otieno,,Kisumu\n254771000111,Njeri,Wambui,\n2.54722000111E+11,Akinyi,Njeri,Mombasa\n(0110) 222 333,Kiprono,,\n");

        Assert.Equal(new ImportReport(5, 5, 0, 0, 0, []), report with { Invalid = [] });
        Assert.Empty(report.Invalid);
        var (contacts, _) = await services.Get<ContactService>().QueryAsync(org, book, new ContactQuery(Sort: ContactSort.Mobile));
        Assert.Equal(["254110222333", "254712345678", "254722000111", "254733111222", "254771000111"], contacts.Select(c => c.Mobile));
        Assert.Equal([Network.Safaricom, Network.Safaricom, Network.Safaricom, Network.Airtel, Network.Telkom], contacts.Select(c => c.Network));
        Assert.Equal("Westlands", contacts[1].CustomFields["branch"]);
        Assert.All(contacts, c => Assert.Equal(ContactStatus.Active, c.Status));
    }

    [Fact]
    public async Task Duplicates_in_the_file_and_the_book_are_counted_and_a_reimport_changes_nothing()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;
        const string file = "mobile,first,last,branch\n0712345678,Wanjiku,Kamau,A\n+254712345678,Wanjiku,Kamau,A\n0733111222,Otieno,Odhiambo,B\n";

        var first = await ImportAsync(services, org, book, file);
        DateTime updatedAt;
        await using (var db = services.NewDb())
            updatedAt = (await db.Contacts.FirstAsync()).UpdatedAt;
        services.Clock.Advance(TimeSpan.FromHours(1));
        var again = await ImportAsync(services, org, book, file);

        Assert.Equal((2, 1), (first.Imported, first.DuplicatesInFile));
        Assert.Equal((0, 0, 2, 1), (again.Imported, again.Updated, again.AlreadyInBook, again.DuplicatesInFile));
        Assert.True(again.ChangedNothing);
        await using var check = services.NewDb();
        Assert.Equal(2, await check.Contacts.CountAsync());
        Assert.Equal(updatedAt, (await check.Contacts.FirstAsync()).UpdatedAt);
    }

    [Fact]
    public async Task Changed_names_update_the_contact_but_never_undo_an_opt_out()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;
        await ImportAsync(services, org, book, "mobile,first,last,branch\n0712345678,Wanjiku,Kamau,A\n0733111222,Otieno,,B\n");
        var contacts = services.Get<ContactService>();
        var wanjiku = (await contacts.QueryAsync(org, book, new ContactQuery(Search: "0712"))).Items.Single();
        await contacts.SetStatusAsync(org, book, [wanjiku.Id], ContactStatus.OptedOut);

        var report = await ImportAsync(services, org, book, "mobile,first,last,branch\n0712345678,Wanjiku,Kamau-Njoroge,\n0733111222,Otieno,,B\n");

        Assert.Equal((1, 1), (report.Updated, report.AlreadyInBook));
        var updated = (await contacts.QueryAsync(org, book, new ContactQuery(Search: "0712"))).Items.Single();
        Assert.Equal(("Kamau-Njoroge", ContactStatus.OptedOut, "A"), (updated.LastName, updated.Status, updated.CustomFields["branch"]));
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_their_line_and_the_rest_imported()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;
        var longRow = "0799000111," + new string('x', 10_050) + ",,\n";

        var report = await ImportAsync(services, org, book,
            "mobile,first,last,branch\n12345,Short,,\n+44 20 7946 0958,Foreign,,\n,Empty,,\nabc,Letters,,\n" + longRow + "\"0712,345,678\",Quoted,,\n0722000111,Good,,\n");

        Assert.Equal(1, report.Imported);
        Assert.Equal([2, 3, 4, 5, 6, 7], report.Invalid.Select(i => i.Line));
        Assert.Contains("too short", report.Invalid[0].Reason);
        Assert.Contains("not a Kenyan number", report.Invalid[1].Reason);
        Assert.Contains("10,000", report.Invalid[4].Reason);
        Assert.True(report.Invalid[4].Value.Length <= 101);
    }

    [Fact]
    public async Task Excel_exports_with_a_bom_semicolons_and_quoted_fields_import()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;
        const string excel = "Simu;Jina;Surname;Branch\r\n0712345678;\"Wanjiku; the elder\";Kamau;\"Nairobi\r\nCBD\"\r\n0733111222;Ng'ang'a 🌍;Müller;Kisumu\r\n";

        var preview = await services.Get<ContactImporter>().PreviewAsync(Csv(excel, bom: true));
        var report = await services.Get<ContactImporter>().ImportAsync(org, book, Csv(excel, bom: true),
            new ColumnMapping(preview.SuggestedMobileColumn!.Value, preview.SuggestedFirstNameColumn, preview.SuggestedLastNameColumn, new Dictionary<int, string> { [3] = "branch" }));

        Assert.Equal(';', preview.Delimiter);
        Assert.Equal(["Simu", "Jina", "Surname", "Branch"], preview.Headers);
        Assert.Equal((0, 1, 2), (preview.SuggestedMobileColumn, preview.SuggestedFirstNameColumn, preview.SuggestedLastNameColumn));
        Assert.Equal(2, report.Imported);
        var contacts = (await services.Get<ContactService>().QueryAsync(org, book, new ContactQuery(Sort: ContactSort.Mobile))).Items;
        Assert.Equal("Wanjiku; the elder", contacts[0].FirstName);
        Assert.Equal("Nairobi\r\nCBD", contacts[0].CustomFields["branch"]);
        Assert.Equal("Ng'ang'a 🌍 Müller", contacts[1].FullName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("mobile,first\n", "no contacts")]
    public async Task Empty_files_are_refused_clearly(string text, string expected)
    {
        var (services, _, _) = await BookAsync();
        await using var __ = services;
        var error = await Assert.ThrowsAsync<DomainException>(() => services.Get<ContactImporter>().PreviewAsync(Csv(text)));
        Assert.Equal("file", error.Field);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Binary_and_oversized_files_are_refused_before_anything_is_written()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;
        var importer = services.Get<ContactImporter>();
        var binary = new byte[2048];
        new Random(1).NextBytes(binary);
        binary[3] = 0;

        var notCsv = await Assert.ThrowsAsync<DomainException>(() => importer.PreviewAsync(new MemoryStream(binary)));
        Assert.Contains("not a CSV", notCsv.Message);

        var small = new ContactImporter(services.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<TalkNTalk.Core.Data.TalkNTalkDbContext>>(), services.Clock,
            Microsoft.Extensions.Options.Options.Create(new ImportOptions { MaxFileBytes = 1024 }));
        var big = "mobile\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"07120000{i:D2}\n"));
        var tooLarge = await Assert.ThrowsAsync<DomainException>(() => small.ImportAsync(org, book, Csv(big), new ColumnMapping(0, null, null, new Dictionary<int, string>())));
        Assert.Contains("limit", tooLarge.Message);

        var noColumn = await Assert.ThrowsAsync<DomainException>(() => importer.ImportAsync(org, book, Csv("mobile\n0712345678\n"), new ColumnMapping(3, null, null, new Dictionary<int, string>())));
        Assert.Equal("mapping", noColumn.Field);
        await using var db = services.NewDb();
        Assert.Equal(0, await db.Contacts.CountAsync());
    }

    [Fact]
    public async Task A_cancelled_import_leaves_the_book_untouched()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;
        var rows = string.Concat(Enumerable.Range(0, 5000).Select(i => $"07{i:D8},Name{i},,\n"));
        using var cancel = new CancellationTokenSource();
        var importer = services.Get<ContactImporter>();

        // The user presses Cancel once half the file has been read.
        var csv = new CancellingStream(Encoding.UTF8.GetBytes("mobile,first,last,branch\n" + rows), cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => importer.ImportAsync(org, book, csv, Standard, null, cancel.Token));

        await using var db = services.NewDb();
        Assert.Equal(0, await db.Contacts.CountAsync());
    }

    [Fact]
    public async Task Another_organisations_book_is_not_found()
    {
        var (services, _, book) = await BookAsync();
        await using var _ = services;
        var other = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        var error = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(services, other, book, "mobile\n0712345678\n"));
        Assert.Equal("not_found", error.Code);
    }

    private sealed class CancellingStream(byte[] data, CancellationTokenSource cancel) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position > Length / 2)
                cancel.Cancel();
            return base.Read(buffer, offset, Math.Min(count, 1024));
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (Position > Length / 2)
                cancel.Cancel();
            return base.ReadAsync(buffer[..Math.Min(buffer.Length, 1024)], CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("Phone Number"), InlineData("phone"), InlineData("MOBILE NO."), InlineData("Mobile_No"), InlineData("MSISDN"), InlineData("Telephone"), InlineData(" Mobile ")]
    public async Task Common_spellings_of_the_number_header_are_recognised(string header)
    {
        var (services, _, _) = await BookAsync();
        await using var _s = services;

        var preview = await services.Get<ContactImporter>().PreviewAsync(Csv($"Notes,{header}\nx,0712345678\n"));

        Assert.Equal(1, preview.SuggestedMobileColumn);
    }

    [Fact]
    public async Task Name_headers_are_recognised_whatever_their_case_and_punctuation()
    {
        var (services, _, _) = await BookAsync();
        await using var _s = services;

        var split = await services.Get<ContactImporter>().PreviewAsync(Csv("first-name,SURNAME,Mobile No\nWanjiku,Kamau,0712345678\n"));
        var full = await services.Get<ContactImporter>().PreviewAsync(Csv("Full Name,Phone Number\nWanjiku Kamau,0712345678\n"));

        Assert.Equal((2, 0, 1, null), (split.SuggestedMobileColumn, split.SuggestedFirstNameColumn, split.SuggestedLastNameColumn, split.SuggestedFullNameColumn));
        Assert.Equal((1, null, null, 0), (full.SuggestedMobileColumn, full.SuggestedFirstNameColumn, full.SuggestedLastNameColumn, full.SuggestedFullNameColumn));
    }

    [Fact]
    public async Task A_full_name_column_is_split_into_first_and_last_name()
    {
        var (services, org, book) = await BookAsync();
        await using var _ = services;

        var report = await ImportAsync(services, org, book, "Name,Phone\nWanjiku Kamau,0712345678\nMary Akinyi Otieno,0733111222\nNjeri,0722000111\n",
            new ColumnMapping(1, null, null, new Dictionary<int, string>(), FullNameColumn: 0));

        Assert.Equal(3, report.Imported);
        var contacts = (await services.Get<ContactService>().QueryAsync(org, book, new ContactQuery(Sort: ContactSort.Mobile))).Items;
        Assert.Equal([("Wanjiku", "Kamau"), ("Njeri", null), ("Mary", "Akinyi Otieno")], contacts.Select(c => (c.FirstName, c.LastName)));
    }
}
