namespace TalkNTalk.Core.Common;

/// <summary>
/// Searches by part of a text: LIKE patterns built from user input, so a typed % or _ matches itself rather than
/// everything, and <see cref="Matches"/>, the one way a query compares with them.
/// </summary>
public static class Like
{
    public const string Escape = "\\";

    public static string Contains(string text) => $"%{EscapeText(text)}%";

    public static string StartsWith(string text) => $"{EscapeText(text)}%";

    /// <summary>
    /// In a LINQ query: whether <paramref name="value"/> matches the pattern, without regard to case. SQLite's LIKE
    /// ignores the case of ASCII letters; PostgreSQL's does not, so there it is ILIKE (<c>Data/LikeTranslation</c>).
    /// </summary>
    public static bool Matches(string? value, string pattern) =>
        throw new InvalidOperationException($"{nameof(Like)}.{nameof(Matches)} is translated to SQL; it runs only inside a database query.");

    private static string EscapeText(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
