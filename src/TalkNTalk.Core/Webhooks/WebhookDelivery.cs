using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Webhooks;

/// <summary>Pending: due at <see cref="WebhookDelivery.NextAttemptAt"/> (or paused while its endpoint is disabled). Succeeded: a 2xx came back. Failed: given up.</summary>
public enum WebhookDeliveryStatus { Pending, Succeeded, Failed }

/// <summary>
/// One event for one endpoint: the outbox row and its delivery log in one. Rows for message events are written by the
/// trigger <c>trg_messages_webhooks_status</c> in the transaction that changes the message's status. The row is kept
/// small, as the dispatcher writes one per status change: the number, campaign and error are read from the message when
/// the payload is built (they do not change once the event happened), and the event id is derived, not stored.
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public Guid EndpointId { get; set; }
    public required string EventType { get; set; }
    public Guid? MessageId { get; set; }

    /// <summary>The message's status when the event happened (sms.failed covers failed and blocked; before migration <c>WebhookEventsV2</c> undelivered too).</summary>
    public MessageStatus? MessageStatus { get; set; }

    /// <summary>When the event happened (the payload's <c>timestamp</c>) and the row was queued.</summary>
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

    /// <summary>The idempotency id receivers de-duplicate on: the same for every attempt and re-send of this event.</summary>
    public string EventId => EventIdOf(EventType, MessageId, Id);

    /// <summary>
    /// <c>evt_&lt;message id, 32 hex&gt;_&lt;sent|delivered|failed|undelivered|cancelled&gt;</c> for a message event (one of each
    /// per message at most: the part after <c>sms.</c>, so distinct per event type),
    /// <c>evt_test_&lt;delivery id&gt;</c> for a test. The outbox trigger writes no id; this is the one place it is made.
    /// </summary>
    public static string EventIdOf(string eventType, Guid? messageId, long deliveryId) => messageId is { } id
        ? $"evt_{id:N}_{WebhookEventNames.ShortName(eventType)}"
        : $"evt_test_{deliveryId}";

    /// <summary>The rows an event id names: a message and event type, or a test delivery's id; false if it is not an event id.</summary>
    public static bool TryParseEventId(string text, out Guid messageId, out string eventType, out long deliveryId)
    {
        (messageId, eventType, deliveryId) = (Guid.Empty, "", 0);
        var parts = text.Trim().Split('_');
        if (parts is ["evt", "test", var number])
            return long.TryParse(number, out deliveryId);
        if (parts is not ["evt", var hex, var suffix] || !Guid.TryParseExact(hex, "N", out messageId))
            return false;
        eventType = "sms." + suffix;
        return true;
    }
}
