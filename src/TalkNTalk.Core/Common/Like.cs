namespace TalkNTalk.Core.Common;

/// <summary>Builds SQL LIKE patterns from user input, so a typed % or _ matches itself rather than everything.</summary>
public static class Like
{
    public const string Escape = "\\";

    public static string Contains(string text) => $"%{EscapeText(text)}%";

    public static string StartsWith(string text) => $"{EscapeText(text)}%";

    private static string EscapeText(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
