using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TalkNTalk.Core.Data;

/// <summary>
/// How the <c>dotnet ef</c> tool builds the context for SQLite's migrations: the same configuration as the app, on a
/// throw-away file (generating a migration reads only the model). <c>dotnet ef migrations add Name --project
/// src/TalkNTalk.Core --output-dir Data/Migrations</c>; PostgreSQL's are generated in TalkNTalk.Migrations.Postgres.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<TalkNTalkDbContext>
{
    public TalkNTalkDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TalkNTalkDbContext>();
        CoreServiceCollectionExtensions.ConfigureDb(options, DatabaseOptions.Sqlite(Path.Combine(Path.GetTempPath(), "talkntalk-design.db")));
        return new TalkNTalkDbContext(options.Options);
    }
}
