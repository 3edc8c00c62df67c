using System.Data.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Campaigns;

/// <summary>
/// A campaign chart's time bucket of a time column, as text: its first <c>@length</c> characters in the form
/// "yyyy-MM-dd HH:mm:ss" (16 for the minute, 19 for the second). SQLite stores times as that sortable text, so a prefix is
/// the bucket; PostgreSQL's timestamptz is written out in UTC first.
/// </summary>
internal abstract class ProgressBucketSql
{
    public static ProgressBucketSql For(DbConnection connection) => Sql.IsPostgres(connection) ? Postgres.Instance : Sqlite.Instance;

    public abstract string Bucket(string column);

    private sealed class Sqlite : ProgressBucketSql
    {
        public static readonly Sqlite Instance = new();

        public override string Bucket(string column) => $"substr({column}, 1, @length)";
    }

    private sealed class Postgres : ProgressBucketSql
    {
        public static readonly Postgres Instance = new();

        public override string Bucket(string column) => $"left(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), @length)";
    }
}
