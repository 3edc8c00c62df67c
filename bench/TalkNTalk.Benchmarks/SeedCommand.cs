using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// <c>seed [--database PATH | --connection "Host=…;Database=…"] [--messages N] [--organisation NAME]</c>: adds N realistic
/// messages (default 1,000,000) to an organisation of a dashboard database (a SQLite file, or a PostgreSQL database),
/// so the explorer and overview can be tried at scale. Without
/// <c>--organisation</c> the first organisation is used; an empty database gets "Demo organisation".
/// </summary>
public static class SeedCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var path = Option(args, "--database") ?? Path.Combine("src", "TalkNTalk.Dashboard", "data", "talkntalk.db");
        var connection = Option(args, "--connection");
        var count = int.TryParse(Option(args, "--messages"), out var n) && n > 0 ? n : 1_000_000;
        if (connection is null)
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var factory = BenchDatabase.FactoryFor(connection is null ? DatabaseOptions.Sqlite(path) : DatabaseOptions.Postgres(connection));
        await DatabaseInitializer.MigrateAsync(factory);
        var organisation = await OrganisationAsync(factory, Option(args, "--organisation"));
        Console.WriteLine($"Seeding {count:N0} messages into '{organisation.Name}' in {(connection is null ? Path.GetFullPath(path) : "the PostgreSQL database")}");
        var watch = Stopwatch.StartNew();
        var next = 100_000;
        var campaigns = await new MessageSeeder(factory, organisation.Id).SeedAsync(count, written =>
        {
            if (written < next && written < count)
                return;
            Console.WriteLine($"  {written:N0} messages ({watch.Elapsed.TotalSeconds:N0} s)");
            next = written + 100_000;
        });
        Console.WriteLine($"Done: {count:N0} messages in {campaigns:N0} campaigns, {watch.Elapsed.TotalSeconds:N1} s.");
        return 0;
    }

    /// <summary>The named organisation, or the first one; an empty database gets "Demo organisation".</summary>
    public static async Task<(Guid Id, string Name)> OrganisationAsync(IDbContextFactory<TalkNTalkDbContext> factory, string? name)
    {
        await using var db = await factory.CreateDbContextAsync();
        var organisation = name is null
            ? await db.Organisations.OrderBy(o => o.CreatedAt).FirstOrDefaultAsync()
            : await db.Organisations.SingleOrDefaultAsync(o => o.Name == name);
        if (organisation is not null)
            return (organisation.Id, organisation.Name);
        if (name is not null)
            throw new InvalidOperationException($"No organisation is named '{name}'.");
        Console.WriteLine("The database had no organisation: created 'Demo organisation' (the dashboard's first-run setup will create its own).");
        return (await BenchDatabase.AddOrganisationAsync(factory, "Demo organisation"), "Demo organisation");
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
