namespace TalkNTalk.Core.Common;

/// <summary>Reads an enum value from text people or clients type: one of its names, in any case.</summary>
public static class EnumNames
{
    /// <summary>
    /// True for exactly one defined name. Unlike <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> it refuses
    /// numbers ("7") and comma-joined names ("sent,failed"), which would otherwise become values the enum does not have.
    /// </summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(text?.Trim(), candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
