namespace TalkNTalk.Core.ApiKeys;

/// <summary>What a key may do: read (lists, statuses) and/or send (start campaigns).</summary>
[Flags]
public enum ApiScopes { None = 0, Read = 1, Send = 2 }

/// <summary>A key a client system sends as <c>Authorization: Bearer tk_live_…</c>. Only its SHA-256 hash is stored.</summary>
public sealed class ApiKey
{
    public const string Prefix = "tk_live_";
    public const int SecretLength = 32;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }

    /// <summary>The first characters of the key, shown in lists so people can tell keys apart.</summary>
    public required string DisplayPrefix { get; set; }

    /// <summary>Hex SHA-256 of the whole key; unique, and the only way a presented key is looked up.</summary>
    public required string Hash { get; set; }

    public ApiScopes Scopes { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
