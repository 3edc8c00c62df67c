namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// The message events an endpoint can subscribe to; stored as bits so the outbox trigger tests them cheaply (its CASE in
/// migration <c>WebhookEventsV2</c> uses these values).
/// </summary>
[Flags]
public enum WebhookEvents
{
    None = 0,
    Sent = 1,
    Delivered = 2,

    /// <summary>Submission failed, or the message was blocked.</summary>
    Failed = 4,

    /// <summary>The network could not deliver it (until <c>WebhookEventsV2</c> this rode on <see cref="Failed"/>).</summary>
    Undelivered = 8,

    Cancelled = 16,
    All = Sent | Delivered | Failed | Undelivered | Cancelled,
}

/// <summary>Event names as receivers see them in the payload's <c>event</c> field and the <c>X-TalkNTalk-Event</c> header.</summary>
public static class WebhookEventNames
{
    public const string Sent = "sms.sent";
    public const string Delivered = "sms.delivered";
    public const string Failed = "sms.failed";
    public const string Undelivered = "sms.undelivered";
    public const string Cancelled = "sms.cancelled";

    /// <summary>Sent from the admin page to try an endpoint; it goes out whatever the endpoint subscribes to.</summary>
    public const string Test = "webhook.test";

    /// <summary>Every message event with its bit and what it means, in the order pages list them.</summary>
    public static readonly IReadOnlyList<(WebhookEvents Event, string Name, string Meaning)> Catalogue =
    [
        (WebhookEvents.Sent, Sent, "accepted by the network"),
        (WebhookEvents.Delivered, Delivered, "reached the handset"),
        (WebhookEvents.Failed, Failed, "submission failed, or blocked"),
        (WebhookEvents.Undelivered, Undelivered, "the network could not deliver it"),
        (WebhookEvents.Cancelled, Cancelled, "cancelled before it was sent"),
    ];

    /// <summary>The name without its channel, <c>sms.undelivered</c> → <c>undelivered</c>: the end of an event id.</summary>
    public static string ShortName(string eventType) => eventType[(eventType.IndexOf('.') + 1)..];

    public static IReadOnlyList<string> Of(WebhookEvents events) => [.. Catalogue.Where(e => events.HasFlag(e.Event)).Select(e => e.Name)];

    /// <summary>Whether an event carries the message's error (the reason it failed or was not delivered).</summary>
    public static bool CarriesError(string eventType) => eventType is Failed or Undelivered;
}

/// <summary>A URL of an organisation's own system that receives signed message events.</summary>
public sealed class WebhookEndpoint
{
    public const int MaxUrlLength = 2000;
    public const int MaxDescriptionLength = 100;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public required string Url { get; set; }
    public string? Description { get; set; }
    public WebhookEvents Events { get; set; }
    public bool Enabled { get; set; }

    /// <summary>The signing secret, encrypted with ASP.NET Core Data Protection (the worker needs it back to sign).</summary>
    public required string ProtectedSecret { get; set; }

    /// <summary>The secret's first characters, shown so people can tell which secret a receiver holds.</summary>
    public required string SecretHint { get; set; }

    /// <summary>After a rotation the old secret still signs (a second <c>v1=</c>) until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousProtectedSecret { get; set; }

    public DateTime? PreviousSecretExpiresAt { get; set; }

    /// <summary>Failed attempts since the last success; reaching the configured limit disables the endpoint.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>Why the worker disabled the endpoint (shown on the dashboard until an admin enables it again); null when an admin did.</summary>
    public string? DisabledReason { get; set; }

    public DateTime? DisabledAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
