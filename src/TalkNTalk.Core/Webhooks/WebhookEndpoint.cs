using System.Diagnostics.CodeAnalysis;
using TalkNTalk.Core.Channels;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// The message events an endpoint subscribes to, stored as bits so the outbox trigger tests them cheaply: five a channel,
/// in <see cref="Channel"/>'s order (migration <c>Origins</c>, <c>StatusTrigger</c>, computes the same). The named members
/// are SMS's bits, which are also every channel's pattern: a channel's events are these shifted left by five times its
/// index (<see cref="WebhookEventNames.On"/>). SMS keeps 1, 2, 4, 8, 16, so endpoints saved before channels are unchanged.
/// </summary>
[Flags]
public enum WebhookEvents
{
    None = 0,
    Sent = 1,
    Delivered = 2,

    /// <summary>Submission failed, or the message was blocked.</summary>
    Failed = 4,

    /// <summary>The network could not deliver it, or an e-mail bounced (until <c>WebhookEventsV2</c> this rode on <see cref="Failed"/>).</summary>
    Undelivered = 8,

    Cancelled = 16,

    /// <summary>Every SMS event, what it meant before there were channels; <see cref="WebhookEventNames.EveryChannel"/> is every event of every channel.</summary>
    All = Sent | Delivered | Failed | Undelivered | Cancelled,
}

/// <summary>One event of one channel: its bit in an endpoint's events and its name, <c>email.delivered</c>.</summary>
/// <param name="Kind">Which of the five events, as SMS's bit (<see cref="WebhookEvents.Delivered"/>).</param>
/// <param name="Bit">The endpoint's bit for it: <paramref name="Kind"/> on <paramref name="Channel"/>.</param>
/// <param name="Word">The name's part after the channel: <c>delivered</c>.</param>
public sealed record WebhookEventType(Channel Channel, WebhookEvents Kind, WebhookEvents Bit, string Name, string Word)
{
    /// <summary>
    /// The end of the event id of a message's event: SMS's word alone (<c>delivered</c>: the ids receivers already hold
    /// stay the same), any other channel's with the channel before it (<c>email_delivered</c>).
    /// </summary>
    public string IdSuffix => Channel == Channel.Sms ? Word : $"{Channel.ToApiName()}_{Word}";

    /// <summary>What makes a message raise the event on its channel, for people choosing events.</summary>
    public string Meaning => WebhookEventNames.Meaning(Channel, Kind);

    /// <summary>Whether the event carries the message's error (the reason it failed or was not delivered).</summary>
    public bool CarriesError => Kind is WebhookEvents.Failed or WebhookEvents.Undelivered;
}

/// <summary>
/// Event names as receivers see them in the payload's <c>event</c> field and the <c>X-TalkNTalk-Event</c> header:
/// <c>{channel}.{sent|delivered|failed|undelivered|cancelled}</c>, the one definition of each channel's events, their
/// bits and names. SMS's keep their documented names (<c>sms.sent</c>…).
/// </summary>
public static class WebhookEventNames
{
    /// <summary>Sent from the admin page to try an endpoint; it goes out whatever the endpoint subscribes to.</summary>
    public const string Test = "webhook.test";

    /// <summary>How many bits each channel has in an endpoint's events (and how far the next channel's are shifted).</summary>
    public const int BitsPerChannel = 5;

    /// <summary>The five events every channel has, as SMS's bits, with the word that follows the channel in their names.</summary>
    public static readonly IReadOnlyList<(WebhookEvents Kind, string Word)> Kinds =
    [
        (WebhookEvents.Sent, "sent"),
        (WebhookEvents.Delivered, "delivered"),
        (WebhookEvents.Failed, "failed"),
        (WebhookEvents.Undelivered, "undelivered"),
        (WebhookEvents.Cancelled, "cancelled"),
    ];

    /// <summary>Every message event of every channel, channel by channel in <see cref="Channel"/>'s order, then in <see cref="Kinds"/>' order: the order pages list them.</summary>
    public static readonly IReadOnlyList<WebhookEventType> Catalogue =
    [
        .. from channel in ChannelNames.All
           from kind in Kinds
           select new WebhookEventType(channel, kind.Kind, kind.Kind.On(channel), $"{channel.ToApiName()}.{kind.Word}", kind.Word),
    ];

    /// <summary>Every event of every channel: what a new endpoint subscribes to.</summary>
    public static readonly WebhookEvents EveryChannel = Catalogue.Aggregate(WebhookEvents.None, (all, e) => all | e.Bit);

    private static readonly Dictionary<string, WebhookEventType> ByName = Catalogue.ToDictionary(e => e.Name, StringComparer.Ordinal);

    /// <summary>The events <paramref name="kinds"/> (SMS's bits, e.g. <c>Sent | Delivered</c>) on <paramref name="channel"/>.</summary>
    public static WebhookEvents On(this WebhookEvents kinds, Channel channel) =>
        (WebhookEvents)((int)(kinds & WebhookEvents.All) << (BitsPerChannel * (int)channel));

    /// <summary>Which of the five events <paramref name="events"/> holds for <paramref name="channel"/>, as SMS's bits.</summary>
    public static WebhookEvents KindsOn(this WebhookEvents events, Channel channel) =>
        (WebhookEvents)((int)events >> (BitsPerChannel * (int)channel)) & WebhookEvents.All;

    /// <summary>The event's name: <c>sms.sent</c>, <c>email.undelivered</c>.</summary>
    public static string NameOf(Channel channel, WebhookEvents kind) => Catalogue.First(e => e.Channel == channel && e.Kind == kind).Name;

    /// <summary>The message event an outbox row or a receiver names; false for <see cref="Test"/> and anything unknown.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out WebhookEventType? type) => ByName.TryGetValue(name ?? "", out type);

    /// <summary>The names of the events <paramref name="events"/> holds, in catalogue order.</summary>
    public static IReadOnlyList<string> Of(WebhookEvents events) => [.. Catalogue.Where(e => events.HasFlag(e.Bit)).Select(e => e.Name)];

    /// <summary>
    /// The events in a few words for a list: a channel with all five as <c>sms.*</c>, otherwise its events by name, e.g.
    /// <c>sms.* email.delivered email.undelivered</c>.
    /// </summary>
    public static string Summary(WebhookEvents events) => string.Join(' ', ChannelNames.All.SelectMany(channel => events.KindsOn(channel) == WebhookEvents.All
        ? [$"{channel.ToApiName()}.*"]
        : Catalogue.Where(e => e.Channel == channel && events.HasFlag(e.Bit)).Select(e => e.Name)));

    /// <summary>Whether an event carries the message's error (the reason it failed or was not delivered).</summary>
    public static bool CarriesError(string eventType) => TryParse(eventType, out var type) && type.CarriesError;

    /// <summary>
    /// What makes a message of <paramref name="channel"/> raise the event: "delivered" is the handset's report on SMS and
    /// WhatsApp, but the provider's acceptance where there are no receipts (<see cref="ChannelRules.DeliveredOnAcceptance"/>).
    /// </summary>
    public static string Meaning(Channel channel, WebhookEvents kind)
    {
        var provider = channel switch
        {
            Channel.Sms => "the network",
            Channel.Email => "the mail server",
            _ => channel.ToDisplayName(),
        };
        return kind switch
        {
            WebhookEvents.Sent => $"accepted by {provider}",
            WebhookEvents.Delivered when channel == Channel.Email => "accepted by the mail server (a later bounce sends email.undelivered)",
            WebhookEvents.Delivered when ChannelRules.DeliveredOnAcceptance(channel) => $"accepted by {provider}, which sends no receipts",
            WebhookEvents.Delivered => channel == Channel.Sms ? "reached the handset" : "reached the phone",
            WebhookEvents.Failed => "submission failed, or blocked",
            WebhookEvents.Undelivered when channel == Channel.Email => "bounced",
            WebhookEvents.Undelivered when ChannelRules.DeliveredOnAcceptance(channel) => $"not reported: {provider} sends no receipts",
            WebhookEvents.Undelivered => $"{provider} could not deliver it",
            WebhookEvents.Cancelled => "cancelled before it was sent",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "One of the five events."),
        };
    }
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
