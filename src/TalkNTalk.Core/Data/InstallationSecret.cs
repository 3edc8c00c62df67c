namespace TalkNTalk.Core.Data;

/// <summary>
/// A secret of the whole installation that every app instance must share (the SMS callbacks' HMAC key), stored
/// encrypted with Data Protection, whose key ring is in the database too.
/// </summary>
public sealed class InstallationSecret
{
    public const int MaxNameLength = 64;

    public required string Name { get; init; }

    /// <summary>The secret, protected and base64-encoded.</summary>
    public required string Value { get; init; }
}
