using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Webhooks;

/// <summary>Pending: due at <see cref="WebhookDelivery.NextAttemptAt"/> (or paused while its endpoint is disabled). Succeeded: a 2xx came back. Failed: given up.</summary>
public enum WebhookDeliveryStatus { Pending, Succeeded, Failed }

/// <summary>
/// One event for one endpoint: the outbox row and its delivery log in one. Rows for message events are written by the
/// trigger <c>trg_messages_webhooks_status</c> in the transaction that changes the message's status, with a snapshot of
/// what the payload says, so a retry sends the same body.
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public Guid EndpointId { get; set; }

    /// <summary>The idempotency id receivers de-duplicate on: the same for every attempt and re-send of this event.</summary>
    public required string EventId { get; set; }

    public required string EventType { get; set; }
    public Guid? MessageId { get; set; }
    public Guid? CampaignId { get; set; }
    public string? Mobile { get; set; }
    public MessageStatus? MessageStatus { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorDetail { get; set; }

    /// <summary>When the status changed (the payload's <c>timestamp</c>).</summary>
    public DateTime OccurredAt { get; set; }

    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }

    /// <summary>When the worker tries next; null when done, or while the endpoint is disabled.</summary>
    public DateTime? NextAttemptAt { get; set; }

    public DateTime? LastAttemptAt { get; set; }
    public int? ResponseStatus { get; set; }
    public int? ResponseMs { get; set; }

    /// <summary>What went wrong on the last attempt, or the start of the receiver's answer to a non-2xx.</summary>
    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }
}
