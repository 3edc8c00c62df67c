namespace TalkNTalk.Core.Tests.Infrastructure;

/// <summary>
/// A test of what only PostgreSQL offers (several app instances on one database): skipped on SQLite, run when the
/// suite runs on PostgreSQL (<see cref="TestDatabase.IsPostgres"/>; scripts/test.sh does both).
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!TestDatabase.IsPostgres)
            Skip = "PostgreSQL only: set TALKNTALK_TEST_POSTGRES (scripts/test.sh runs the suite on both engines).";
    }
}
