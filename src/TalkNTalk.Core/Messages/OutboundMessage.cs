using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Messaging;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Messages;

/// <summary>
/// The statuses of an outbound message: the eight <c>bulk-sms-fetch-messages.txt</c> lists, and two of the dispatcher's
/// own for a provider that does not de-duplicate by our message id (the API shows both as <c>sent</c>, see
/// <see cref="MessageStatuses.ApiName"/>): <see cref="Submitting"/> while it is being handed over, and
/// <see cref="Unknown"/> when the hand-over's answer was lost (a crash, a timeout). An unknown message is never
/// re-sent by itself: its delivery report settles it, or an admin does.
/// </summary>
public enum MessageStatus { Queued, Sent, Delivered, Undelivered, Failed, Cancelled, Held, Blocked, Submitting, Unknown }

/// <summary>Where a message's price stands in the wallet.</summary>
public enum CostState { Reserved, Charged, Refunded }

public static class MessageStatuses
{
    /// <summary>Reserved while it may still go, charged once the network took it, refunded when it never went.</summary>
    public static CostState CostState(this MessageStatus status) => status switch
    {
        MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Undelivered => Messages.CostState.Charged,
        MessageStatus.Failed or MessageStatus.Cancelled or MessageStatus.Blocked => Messages.CostState.Refunded,
        _ => Messages.CostState.Reserved,
    };

    /// <summary>The status as the API and exports name it: the documented values only.</summary>
    public static string ApiName(this MessageStatus status) => status switch
    {
        MessageStatus.Submitting or MessageStatus.Unknown => "sent",
        _ => status.ToString().ToLowerInvariant(),
    };
}

/// <summary>One message to one address on one channel. The database row is the truth the dispatcher resumes from after a restart.</summary>
public sealed class OutboundMessage
{
    /// <summary>An e-mail address is at most 254 characters (RFC 5321); every other channel's address is shorter.</summary>
    public const int MaxAddressLength = 254;

    /// <summary>UUID v7: time-ordered, so new rows append to the primary key index.</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CampaignId { get; set; }
    /// <summary>Its campaign's channel, copied so the explorer filters without a join.</summary>
    public Channel Channel { get; set; }

    /// <summary>
    /// Where it goes on its channel: <c>254XXXXXXXXX</c> for SMS and WhatsApp, a lower-case e-mail address, a Telegram
    /// chat id or a Slack member id.
    /// </summary>
    public required string Address { get; set; }

    /// <summary>The mobile network of an SMS or WhatsApp number; <see cref="Network.None"/> on the other channels.</summary>
    public Network Network { get; set; }
    public required string SenderId { get; set; }

    /// <summary>The exact text sent: personalised, with the opt-out suffix for promotional senders.</summary>
    public required string Body { get; set; }

    public int Segments { get; set; }
    public SmsEncoding Encoding { get; set; }
    public decimal Cost { get; set; }
    public MessageStatus Status { get; set; }
    public MessageSource Source { get; set; }
    public string? ProviderMessageId { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorDetail { get; set; }

    /// <summary>Not before this time (a scheduled campaign, or the next promotional window).</summary>
    public DateTime? ScheduledAt { get; set; }

    /// <summary>Set when the dispatcher takes the message for submission; a restart finds unfinished claims here.</summary>
    public DateTime? ClaimedAt { get; set; }

    /// <summary>The app instance (<see cref="Instances.AppInstance"/>) whose dispatcher claimed it; with ClaimedAt.</summary>
    public Guid? ClaimedBy { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
}
