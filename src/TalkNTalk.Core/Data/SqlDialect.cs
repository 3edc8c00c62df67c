using System.Data.Common;

namespace TalkNTalk.Core.Data;

/// <summary>
/// The few expressions the hot paths' raw SQL writes differently on SQLite and PostgreSQL, in one place. A statement
/// asks for the fragment it needs; everything else in the SQL is the same on both engines.
/// </summary>
internal abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect Postgres = new PostgresDialect();

    public static SqlDialect Of(DbConnection connection) => Sql.IsPostgres(connection) ? Postgres : Sqlite;

    /// <summary>The larger of two values (SQLite's two-argument <c>max</c>).</summary>
    public abstract string Greatest(string a, string b);

    /// <summary>A column the planner must not use an index for in this condition (SQLite's unary <c>+</c>).</summary>
    public abstract string Unindexed(string column);

    /// <summary><c>a</c> equals <c>b</c>, two NULLs being equal.</summary>
    public abstract string NullSafeEquals(string a, string b);

    /// <summary>A condition that <paramref name="column"/> is one of the ids in <paramref name="parameter"/>, bound with <see cref="IdList"/>.</summary>
    public abstract string InIdList(string column, string parameter);

    public abstract object IdList(IReadOnlyCollection<long> ids);

    /// <summary>
    /// Ends a SELECT that claims rows for this transaction: on PostgreSQL the rows are locked and rows another transaction
    /// holds are passed over, so instances claiming at once never take the same row; SQLite has one writer at a time.
    /// </summary>
    public abstract string ClaimRows(string table);

    private sealed class SqliteDialect : SqlDialect
    {
        public override string Greatest(string a, string b) => $"max({a}, {b})";
        public override string Unindexed(string column) => $"+{column}";
        public override string NullSafeEquals(string a, string b) => $"{a} IS {b}";
        public override string InIdList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";
        public override object IdList(IReadOnlyCollection<long> ids) => System.Text.Json.JsonSerializer.Serialize(ids);
        public override string ClaimRows(string table) => "";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override string Greatest(string a, string b) => $"GREATEST({a}, {b})";
        public override string Unindexed(string column) => column;
        public override string NullSafeEquals(string a, string b) => $"{a} IS NOT DISTINCT FROM {b}";
        public override string InIdList(string column, string parameter) => $"{column} = ANY({parameter})";
        public override object IdList(IReadOnlyCollection<long> ids) => ids.ToArray();
        public override string ClaimRows(string table) => $"FOR UPDATE OF {table} SKIP LOCKED";
    }
}
