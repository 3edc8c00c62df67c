using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace TalkNTalk.Core.Data;

/// <summary>
/// Helpers for the few hot paths that use ADO.NET commands on the context's connection instead of EF
/// (imports, sends, the dispatcher), on either engine. Values are written exactly as EF Core's provider writes them,
/// so EF reads those rows back like its own; SQL text names parameters <c>@name</c>, which both engines read.
/// </summary>
internal static partial class Sql
{
    /// <summary>A command of <paramref name="text"/> with a parameter (SQL NULL until set) for every <c>@name</c> it uses (both engines read <c>@name</c>).</summary>
    public static DbCommand Command(DbConnection connection, string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var name in ParameterName().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            Add(command, name);
        return command;
    }

    [GeneratedRegex(@"@[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterName();

    /// <summary>
    /// Whether the connection is PostgreSQL's. Only the one class per concern that holds both engines' SQL for it (the
    /// claim, the number search, …) asks; services call that class, never this.
    /// </summary>
    public static bool IsPostgres(DbConnection connection) => connection is not SqliteConnection;

    /// <summary>EF's SQLite provider stores a Guid as upper-case text.</summary>
    public static string Text(Guid id) => id.ToString().ToUpperInvariant();

    /// <summary>EF's SQLite provider stores a DateTime as sortable text, so range filters compare as strings.</summary>
    public static string Text(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary>Reads back a time written by <see cref="Text(DateTime)"/> (or by EF) as UTC.</summary>
    public static DateTime ParseTime(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A value as the command's engine stores it, exactly as EF writes it there: SQLite keeps Guids, times and decimals as
    /// text; PostgreSQL has uuid, timestamptz (a time must say it is UTC) and numeric.
    /// </summary>
    private static object Stored(DbCommand command, object? value) => value switch
    {
        null => DBNull.Value,
        Guid id when command is SqliteCommand => Text(id),
        DateTime time when command is SqliteCommand => Text(time),
        decimal amount when command is SqliteCommand => Text(amount),
        DateTime { Kind: not DateTimeKind.Utc } time => DateTime.SpecifyKind(time, DateTimeKind.Utc),
        _ => value,
    };

    public static DbParameter Add(DbCommand command, string name, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = Stored(command, value);
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Sets a parameter, mapping null to SQL NULL and the value to its stored form (<see cref="Stored"/>).</summary>
    public static void Set(DbCommand command, string name, object? value) => command.Parameters[name].Value = Stored(command, value);

    /// <summary>A Guid column, as either engine returns it.</summary>
    public static Guid ReadGuid(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string) ? Guid.Parse(reader.GetString(ordinal)) : reader.GetGuid(ordinal);

    public static Guid? ReadNullableGuid(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadGuid(reader, ordinal);

    /// <summary>A time column as UTC, as either engine returns it.</summary>
    public static DateTime ReadTime(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string)
            ? ParseTime(reader.GetString(ordinal))
            : DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);

    public static DateTime? ReadNullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>A decimal column (money), exact on either engine.</summary>
    public static decimal ReadDecimal(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string)
            ? decimal.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture)
            : reader.GetDecimal(ordinal);
}
