using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TalkNTalk.Core;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Migrations.Postgres;

/// <summary>
/// How the <c>dotnet ef</c> tool builds the context for PostgreSQL's migrations (generating one reads only the model,
/// so the server named here is never reached): <c>dotnet ef migrations add Name --project src/TalkNTalk.Migrations.Postgres</c>.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<TalkNTalkDbContext>
{
    public TalkNTalkDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TalkNTalkDbContext>();
        CoreServiceCollectionExtensions.ConfigureDb(options, DatabaseOptions.Postgres("Host=localhost;Database=talkntalk_design"));
        return new TalkNTalkDbContext(options.Options);
    }
}
