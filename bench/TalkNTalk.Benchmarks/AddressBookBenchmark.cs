using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;

namespace TalkNTalk.Benchmarks;

/// <summary>Importing 100,000 contacts, and resolving three overlapping books of 100,000 each.</summary>
public static class AddressBookBenchmark
{
    private const int Rows = 100_000;
    private static readonly string[] FirstNames = ["Wanjiku", "Otieno", "Akinyi", "Kamau", "Njeri", "Kiprono", "Achieng", "Mwangi", "Wambui", "Odhiambo", "Chebet", "Mutua"];
    private static readonly string[] LastNames = ["Kamau", "Odhiambo", "Njoroge", "Wanjiru", "Kipchoge", "Mohamed", "Ochieng", "Muthoni", "Korir", "Nyambura"];
    private static readonly string[] Prefixes = ["0712", "0722", "0733", "0110", "+254 757", "254771", "0799", "0101"];

    public static async Task RunAsync()
    {
        await using var database = await BenchDatabase.CreateAsync();
        var clock = TimeProvider.System;
        var books = new AddressBookService(database.Factory, clock);
        var importer = new ContactImporter(database.Factory, clock, Options.Create(new ImportOptions()));
        var resolver = new RecipientResolver(database.Factory);
        var org = database.OrganisationId;

        // Import: a realistic file with mixed formats, 1% duplicates and 0.5% invalid numbers.
        var csv = GenerateCsv(Rows, offset: 0);
        var first = await books.CreateAsync(org, "Import target", null);
        var watch = Stopwatch.StartNew();
        ImportReport report;
        await using (var stream = new MemoryStream(csv))
            report = await importer.ImportAsync(org, first.Id, stream, new ColumnMapping(0, 1, 2, new Dictionary<int, string> { [3] = "branch" }));
        watch.Stop();
        Console.WriteLine($"import {Rows:N0} rows ({csv.Length / 1024.0 / 1024:N1} MB): {watch.Elapsed.TotalSeconds:N2} s ({Rows / watch.Elapsed.TotalSeconds:N0} rows/s); " +
                          $"imported {report.Imported:N0}, duplicates {report.DuplicatesInFile:N0}, invalid {report.Invalid.Count:N0}");

        watch.Restart();
        await using (var again = new MemoryStream(csv))
            report = await importer.ImportAsync(org, first.Id, again, new ColumnMapping(0, 1, 2, new Dictionary<int, string> { [3] = "branch" }));
        Console.WriteLine($"re-import the same {Rows:N0} rows: {watch.Elapsed.TotalSeconds:N2} s; changed nothing: {report.ChangedNothing}");

        // Resolution: three books of 100,000 whose number ranges overlap by half.
        var ids = new List<Guid>();
        for (var b = 0; b < 3; b++)
        {
            var book = await books.CreateAsync(org, $"Overlap {b}", null);
            await using var stream = new MemoryStream(GenerateCsv(Rows, offset: b * Rows / 2, clean: true));
            await importer.ImportAsync(org, book.Id, stream, new ColumnMapping(0, 1, 2, new Dictionary<int, string>()));
            ids.Add(book.Id);
        }
        await resolver.ResolveAsync(org, ids); // warm-up
        var timings = new List<double>();
        ResolvedRecipients resolved = null!;
        for (var i = 0; i < 5; i++)
        {
            watch.Restart();
            resolved = await resolver.ResolveAsync(org, ids);
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }
        timings.Sort();
        Console.WriteLine($"resolve 3 books x {Rows:N0}: {timings[2]:N0} ms median (min {timings[0]:N0}, max {timings[^1]:N0}); " +
                          $"{resolved.Recipients.Count:N0} unique of {resolved.ContactRows:N0} rows");
        watch.Restart();
        var count = await resolver.CountAsync(org, ids);
        Console.WriteLine($"count unique recipients of 3 books: {watch.Elapsed.TotalMilliseconds:N0} ms ({count:N0})");
        watch.Restart();
        var detailed = await resolver.ResolveAsync(org, ids, withDetails: true);
        Console.WriteLine($"resolve 3 books x {Rows:N0} with names and custom fields (personalised sends): {watch.Elapsed.TotalMilliseconds:N0} ms ({detailed.Recipients.Count:N0})");
    }

    private static byte[] GenerateCsv(int rows, int offset, bool clean = false)
    {
        var random = new Random(42 + offset);
        var text = new StringBuilder(rows * 48);
        text.Append("Phone,First Name,Last Name,Branch\n");
        for (var i = 0; i < rows; i++)
        {
            var n = offset + i;
            string mobile;
            if (!clean && i % 200 == 199)
                mobile = "12345";                      // invalid
            else if (!clean && i % 100 == 50)
                mobile = Format(n - 1);                // duplicate of the previous row
            else
                mobile = Format(n);
            text.Append(mobile).Append(',')
                .Append(FirstNames[random.Next(FirstNames.Length)]).Append(',')
                .Append(LastNames[random.Next(LastNames.Length)]).Append(',')
                .Append("Branch ").Append(n % 40).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());

        static string Format(int n)
        {
            var prefix = Prefixes[n % Prefixes.Length];
            var suffix = (n / Prefixes.Length).ToString("D6");
            return prefix.StartsWith('+') ? $"{prefix} {suffix[..3]} {suffix[3..]}" : prefix + suffix;
        }
    }
}
