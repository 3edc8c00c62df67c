using System.Text;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;
using TalkNTalk.Core.Common;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.AddressBooks;

/// <summary>File downloads for the address book pages: the book as CSV, and an import's invalid rows.</summary>
public static class AddressBookEndpoints
{
    public static IEndpointRouteBuilder MapAddressBookDownloads(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/address-books").RequireAuthorization();

        // Streamed straight from the database to the response: a 100,000-contact book never sits in memory.
        group.MapGet("/{id:guid}/export", async (Guid id, HttpContext http, AddressBookService books, ContactExporter exporter, CancellationToken ct) =>
        {
            var organisationId = http.User.OrganisationIdOf();
            AddressBookSummary book;
            try
            {
                book = await books.GetAsync(organisationId, id, ct);
            }
            catch (DomainException e) when (e.Code == "not_found")
            {
                return Results.NotFound();
            }
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(book.Name)}.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024);
            await exporter.WriteCsvAsync(organisationId, id, writer, ct);
            return Results.Empty;
        });

        group.MapGet("/imports/{id:guid}/invalid.csv", async (Guid id, HttpContext http, ImportReportStore reports) =>
        {
            if (reports.Find(http.User.OrganisationIdOf(), id) is not { } report)
                return Results.NotFound();
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(report.BookName)}-invalid-rows.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(true));
            await ContactImporter.WriteInvalidRowsCsvAsync(report.Rows, writer);
            return Results.Empty;
        });
        return endpoints;
    }

    // Keeps letters, digits, spaces and dashes: a safe file name from a book name a user chose.
    private static string FileName(string name)
    {
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' ? c : '-').ToArray()).Trim();
        return safe.Length == 0 ? "address-book" : safe;
    }
}
