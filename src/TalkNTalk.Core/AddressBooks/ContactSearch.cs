using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TalkNTalk.Core.AddressBooks;

/// <summary>
/// The text a contact search matches: names both ways round and custom field values, folded to lower case without
/// accents, so "jose" finds "José" and "westlands" finds a contact whose branch is Westlands. Queries call
/// <see cref="Text"/>, mapped to the database function <c>tnt_contact_text</c>: SQLite has no accent folding of its own,
/// so <see cref="Interceptor"/> registers this C# method under that name on every connection, a deterministic function
/// evaluated in the same scan as the search, with no extra column to keep in step; PostgreSQL has the same function in
/// SQL (TalkNTalk.Migrations.Postgres, <c>SqlObjects</c>).
/// </summary>
public static class ContactSearch
{
    public const string FunctionName = "tnt_contact_text";

    /// <summary>Lower case, accents removed: "José Ñandú" → "jose nandu".</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                folded.Append(char.ToLowerInvariant(c));
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>"first last", "last first" and each custom field value, one per line, folded. In a query, the database's <c>tnt_contact_text</c>.</summary>
    public static string Text(string? firstName, string? lastName, string? customFields)
    {
        var text = new StringBuilder();
        text.Append(firstName).Append(' ').Append(lastName).Append('\n').Append(lastName).Append(' ').Append(firstName);
        foreach (var value in ContactFields.Parse(customFields).Values)
            text.Append('\n').Append(value);
        return Fold(text.ToString());
    }

    /// <summary>Registers <c>tnt_contact_text(first, last, customFields)</c> on each SQLite connection EF opens.</summary>
    public sealed class Interceptor : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Register(connection);
            return Task.CompletedTask;
        }

        private static void Register(DbConnection connection)
        {
            if (connection is SqliteConnection sqlite)
                sqlite.CreateFunction<string?, string?, string?, string>(FunctionName, Text, isDeterministic: true);
        }
    }
}
