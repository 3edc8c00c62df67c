using System.Text.Json;

namespace TalkNTalk.Core.AddressBooks;

/// <summary>Custom fields of a contact (for personalisation such as <c>{branch}</c>), stored as a small JSON object.</summary>
public static class ContactFields
{
    public const int MaxFields = 20;
    public const int MaxKeyLength = 40;
    public const int MaxValueLength = 200;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    public static IReadOnlyDictionary<string, string> Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return Empty;
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? new Dictionary<string, string>();
    }

    /// <summary>Null for no fields, so a contact without extras stores nothing. Keys are kept in order for stable comparison.</summary>
    public static string? Serialize(IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null || fields.Count == 0)
            return null;
        return JsonSerializer.Serialize(new SortedDictionary<string, string>(fields.ToDictionary(), StringComparer.Ordinal));
    }

    /// <summary>A key as placeholders use it: lower case, spaces to underscores ("Branch Name" → "branch_name").</summary>
    public static string NormalizeKey(string header) =>
        string.Join('_', header.Trim().ToLowerInvariant().Split([' ', '-', '.'], StringSplitOptions.RemoveEmptyEntries));
}
