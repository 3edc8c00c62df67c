using Microsoft.Data.Sqlite;

namespace TalkNTalk.Core.Data;

/// <summary>Where the SQLite file lives (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>Path of the SQLite file; relative paths are resolved against the app's content root.</summary>
    public string Path { get; set; } = "data/talkntalk.db";

    /// <summary>The connection string for a file: foreign keys on, a generous busy timeout so writers queue rather than fail.</summary>
    public static string ConnectionStringFor(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        ForeignKeys = true,
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();
}
