using TalkNTalk.Core.Channels;

namespace TalkNTalk.Core.SenderIds;

/// <summary>How Kenyan operators register a sender ID: promotional traffic carries an opt-out and waits for the sending window.</summary>
public enum SenderIdCategory { Transactional = 0, Promotional = 1 }

/// <summary>
/// Where an origin stands. <see cref="Approved"/> is what lets it send: an SMS sender ID or WhatsApp number the operator
/// (or Meta) approved, a Telegram bot or Slack workspace an admin confirmed, an e-mail sender whose link was followed.
/// </summary>
public enum SenderIdStatus { Pending = 0, Approved = 1, Rejected = 2 }

/// <summary>
/// An origin a campaign goes out from on one channel: the name shown on the handset (SMS), a WhatsApp business number,
/// a Telegram bot, a verified e-mail sender, the Slack workspace's bot. Only approved ones may send; one per channel is
/// the default. (The class keeps the SMS name the API documents: every origin is a "sender ID".)
/// </summary>
public sealed class SenderId
{
    /// <summary>An SMS sender ID is at most 11 characters, as operators register them.</summary>
    public const int MaxLength = 11;

    /// <summary>The longest origin of any channel: an e-mail address.</summary>
    public const int MaxOriginLength = ChannelAddress.MaxEmailLength;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }

    /// <summary>The channel this origin sends on (existing sender IDs are SMS).</summary>
    public Channel Channel { get; set; }

    /// <summary>As people and the API name it: <c>ACMEKE</c>, <c>254712345678</c>, <c>@AcmeBot</c>, <c>news@acme.co.ke</c>.</summary>
    public required string Name { get; set; }

    /// <summary>Upper-case form of <see cref="Name"/>: names are unique per channel and matched case-insensitively.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>SMS only: transactional or promotional. Other channels are transactional.</summary>
    public SenderIdCategory Category { get; set; }
    public SenderIdStatus Status { get; set; }

    /// <summary>The default origin of its channel.</summary>
    public bool IsDefault { get; set; }

    /// <summary>The provider's own id for the origin: a WhatsApp business number's phone-number id (the Cloud API sends from it).</summary>
    public string? ProviderRef { get; set; }

    /// <summary>A secret the provider needs, encrypted with Data Protection (<see cref="OriginSecrets"/>): a Telegram bot's token.</summary>
    public string? Secret { get; set; }

    /// <summary>An e-mail sender's verification: the SHA-256 (hex) of the token in the link sent to it; null once verified.</summary>
    public string? VerificationTokenHash { get; set; }
    public DateTime? VerificationSentAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
}
