namespace TalkNTalk.Core.SenderIds;

/// <summary>How Kenyan operators register a sender ID: promotional traffic carries an opt-out and waits for the sending window.</summary>
public enum SenderIdCategory { Transactional = 0, Promotional = 1 }

public enum SenderIdStatus { Pending = 0, Approved = 1, Rejected = 2 }

/// <summary>The name shown on the recipient's handset. Only approved ones may be used; one is the default.</summary>
public sealed class SenderId
{
    public const int MaxLength = 11;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }

    /// <summary>Upper-case form of <see cref="Name"/>: names are unique and matched case-insensitively.</summary>
    public required string NormalizedName { get; set; }

    public SenderIdCategory Category { get; set; }
    public SenderIdStatus Status { get; set; }
    public bool IsDefault { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
}
