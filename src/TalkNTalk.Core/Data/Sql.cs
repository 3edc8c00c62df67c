using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TalkNTalk.Core.Data;

/// <summary>
/// Helpers for the few hot paths that use ADO.NET commands on the context's connection instead of EF
/// (imports, sends, the dispatcher). Values are written exactly as EF Core's SQLite provider writes them,
/// so EF reads those rows back like its own.
/// </summary>
internal static partial class Sql
{
    /// <summary>A command of <paramref name="text"/> with a parameter (SQL NULL until set) for every <c>$name</c> it uses.</summary>
    public static DbCommand Command(DbConnection connection, string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var name in ParameterName().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            Add(command, name);
        return command;
    }

    [GeneratedRegex(@"\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterName();

    /// <summary>EF stores a Guid as upper-case text.</summary>
    public static string Text(Guid id) => id.ToString().ToUpperInvariant();

    /// <summary>EF stores a DateTime as sortable text, so range filters compare as strings.</summary>
    public static string Text(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary>Reads back a time written by <see cref="Text(DateTime)"/> (or by EF) as UTC.</summary>
    public static DateTime ParseTime(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static DbParameter Add(DbCommand command, string name, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Sets a parameter, mapping null to SQL NULL.</summary>
    public static void Set(DbCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;
}
