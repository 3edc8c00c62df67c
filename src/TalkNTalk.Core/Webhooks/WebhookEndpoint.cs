namespace TalkNTalk.Core.Webhooks;

/// <summary>The message events an endpoint can subscribe to; stored as bits so the outbox trigger tests them cheaply.</summary>
[Flags]
public enum WebhookEvents { None = 0, Sent = 1, Delivered = 2, Failed = 4, All = Sent | Delivered | Failed }

/// <summary>Event names as receivers see them in the payload's <c>event</c> field.</summary>
public static class WebhookEventNames
{
    public const string Sent = "sms.sent";
    public const string Delivered = "sms.delivered";
    public const string Failed = "sms.failed";

    /// <summary>Sent from the admin page to try an endpoint; it goes out whatever the endpoint subscribes to.</summary>
    public const string Test = "webhook.test";

    public static IReadOnlyList<string> Of(WebhookEvents events) =>
        [.. new[] { (WebhookEvents.Sent, Sent), (WebhookEvents.Delivered, Delivered), (WebhookEvents.Failed, Failed) }
            .Where(e => events.HasFlag(e.Item1)).Select(e => e.Item2)];
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
