using TalkNTalk.Core.Channels;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Core.Campaigns;

/// <summary>The campaign state machine; <see cref="CampaignStateMachine"/> checks every transition.</summary>
public enum CampaignStatus { Draft, Scheduled, Queued, Running, Paused, Completed, Failed, Cancelled }

/// <summary>Where a send came from: the dashboard or an API key.</summary>
public enum MessageSource { Web, Api }

/// <summary>One send to many recipients: the message, who it went to, and live counts kept by the dispatcher.</summary>
public sealed class Campaign
{
    public const int MaxNameLength = 120;

    /// <summary>An e-mail subject line, as relays take it on one line.</summary>
    public const int MaxSubjectLength = 200;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }

    /// <summary>Every message of the campaign goes out on this channel (existing campaigns are SMS).</summary>
    public Channel Channel { get; set; }

    /// <summary>The message as written, before personalisation and the promotional opt-out suffix.</summary>
    public required string Message { get; set; }

    /// <summary>E-mail only: the subject line every message of the campaign carries.</summary>
    public string? Subject { get; set; }

    /// <summary>The origin's name on the channel: an SMS sender ID, a WhatsApp number, a bot, an e-mail sender; empty for Slack's workspace bot.</summary>
    public required string SenderId { get; set; }
    public SenderIdCategory SenderCategory { get; set; }
    public CampaignStatus Status { get; set; }
    public MessageSource Source { get; set; }

    /// <summary>Address book ids used, comma-separated; empty for pasted numbers and bulk API sends.</summary>
    public string? AddressBookIds { get; set; }

    public int RecipientsCount { get; set; }
    public int SentCount { get; set; }
    public int DeliveredCount { get; set; }
    public int FailedCount { get; set; }
    public decimal EstimatedCost { get; set; }
    public decimal ActualCost { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ScheduledAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}
