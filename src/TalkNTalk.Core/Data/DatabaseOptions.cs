using Microsoft.Data.Sqlite;

namespace TalkNTalk.Core.Data;

/// <summary>Which database engine holds the data.</summary>
public enum DatabaseProvider
{
    /// <summary>One file beside the app: the embedded default, for one machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: for several app instances on one database.</summary>
    Postgres,
}

/// <summary>Where the data lives (section <c>Database</c>): <c>Provider</c>, and the SQLite file's <c>Path</c> or PostgreSQL's <c>ConnectionString</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Path of the SQLite file; relative paths are resolved against the app's content root.</summary>
    public string Path { get; set; } = "data/talkntalk.db";

    /// <summary>PostgreSQL's connection string (<c>Host=…;Database=…;Username=…;Password=…</c>); unused for SQLite.</summary>
    public string? ConnectionString { get; set; }

    public static DatabaseOptions Sqlite(string path) => new() { Provider = DatabaseProvider.Sqlite, Path = path };

    public static DatabaseOptions Postgres(string connectionString) =>
        new() { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString };

    /// <summary>The connection string EF opens: SQLite's is made from the path, PostgreSQL's is required.</summary>
    public string ConnectionStringToOpen => Provider switch
    {
        DatabaseProvider.Sqlite => ConnectionStringFor(Path),
        DatabaseProvider.Postgres => string.IsNullOrWhiteSpace(ConnectionString)
            ? throw new InvalidOperationException(
                "Database:Provider is Postgres but Database:ConnectionString is empty: set it, e.g. Database__ConnectionString='Host=db.internal;Database=talkntalk;Username=talkntalk;Password=…'.")
            : ConnectionString,
        _ => throw new InvalidOperationException($"Database:Provider '{Provider}' is not one of Sqlite, Postgres."),
    };

    /// <summary>The connection string for a file: foreign keys on, a generous busy timeout so writers queue rather than fail.</summary>
    public static string ConnectionStringFor(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        ForeignKeys = true,
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();
}
