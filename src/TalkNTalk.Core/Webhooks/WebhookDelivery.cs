using TalkNTalk.Core.Channels;
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

    /// <summary>The message's status when the event happened (<c>{channel}.failed</c> covers failed and blocked; before migration <c>WebhookEventsV2</c> undelivered too).</summary>
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
    /// <c>evt_&lt;message id, 32 hex&gt;_&lt;suffix&gt;</c> for a message event, where the suffix is
    /// <see cref="WebhookEventType.IdSuffix"/>: <c>sent|delivered|failed|undelivered|cancelled</c> on SMS (the ids receivers
    /// held before there were channels) and <c>&lt;channel&gt;_&lt;event&gt;</c> on the others (<c>email_delivered</c>), so one
    /// per message and event at most, and the channel reads from the id. <c>evt_test_&lt;delivery id&gt;</c> for a test. The
    /// outbox trigger writes no id; this is the one place it is made.
    /// </summary>
    public static string EventIdOf(string eventType, Guid? messageId, long deliveryId) => messageId is { } id
        ? $"evt_{id:N}_{(WebhookEventNames.TryParse(eventType, out var type) ? type.IdSuffix : eventType.Replace('.', '_'))}"
        : $"evt_test_{deliveryId}";

    /// <summary>The rows an event id names: a message and event type, or a test delivery's id; false if it is not an event id.</summary>
    public static bool TryParseEventId(string text, out Guid messageId, out string eventType, out long deliveryId)
    {
        (messageId, eventType, deliveryId) = (Guid.Empty, "", 0);
        var parts = text.Trim().Split('_');
        if (parts is ["evt", "test", var number])
            return long.TryParse(number, out deliveryId);
        // SMS's ids carry the event alone, every other channel's its name first; "evt_…_sms_sent" is no id of ours.
        var name = parts switch
        {
            ["evt", _, var word] => $"{Channel.Sms.ToApiName()}.{word}",
            ["evt", _, var channel, var word] when channel != Channel.Sms.ToApiName() => $"{channel}.{word}",
            _ => null,
        };
        if (!WebhookEventNames.TryParse(name, out var type) || !Guid.TryParseExact(parts[1], "N", out messageId))
            return false;
        eventType = type.Name;
        return true;
    }
}
