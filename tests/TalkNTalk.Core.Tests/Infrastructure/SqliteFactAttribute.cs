namespace TalkNTalk.Core.Tests.Infrastructure;

/// <summary>
/// A test of SQLite itself (its migration history, its file): skipped when the suite runs on PostgreSQL
/// (<see cref="TestDatabase.IsPostgres"/>), whose migrations start from today's schema.
/// </summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabase.IsPostgres)
            Skip = "SQLite only: about SQLite's migrations or file.";
    }
}
