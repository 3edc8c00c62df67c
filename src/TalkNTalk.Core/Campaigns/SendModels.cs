namespace TalkNTalk.Core.Campaigns;

/// <summary>What a send asks for: the message, a sender, recipients from books and/or typed numbers, and when.</summary>
public sealed record SendRequest
{
    public required Guid OrganisationId { get; init; }
    public string? Name { get; init; }
    public string? Message { get; init; }

    /// <summary>The channel every message goes out on (SMS unless said).</summary>
    public Channels.Channel Channel { get; init; } = Channels.Channel.Sms;

    /// <summary>E-mail only: the subject line, required there.</summary>
    public string? Subject { get; init; }

    /// <summary>WhatsApp only: an approved template to send instead of <see cref="Message"/>; its parameters may carry merge tags.</summary>
    public Channels.WhatsAppTemplate? Template { get; init; }

    /// <summary>An approved origin of the organisation on <see cref="Channel"/>; null for the channel's default.</summary>
    public string? SenderId { get; init; }

    public IReadOnlyCollection<Guid> AddressBookIds { get; init; } = [];
    public IReadOnlyCollection<string> Numbers { get; init; } = [];

    /// <summary>UTC; null to send now. Must not be in the past.</summary>
    public DateTime? ScheduledAt { get; init; }

    public MessageSource Source { get; init; } = MessageSource.Web;
    public string? CreatedBy { get; init; }
}

/// <summary>A recipient that was not queued, with a machine code (<c>invalid_mobile</c>, <c>skipped</c>…) and a reason.</summary>
public sealed record RecipientError(string Mobile, string Error, string Detail);

public sealed record QueuedMessage(Guid Id, string Mobile);

/// <summary>What a send did. <see cref="CampaignId"/> is null only when a bulk send could queue nothing.</summary>
/// <summary>What a send would reserve now: the messages it would queue, their exact total cost, and the recipients it would refuse.</summary>
public sealed record SendEstimate(int Messages, decimal Cost, int Refused);

public sealed record SendResult(
    Guid? CampaignId,
    CampaignStatus Status,
    string SenderId,
    IReadOnlyList<string> GroupNames,
    int Total,
    IReadOnlyList<QueuedMessage> Queued,
    IReadOnlyList<RecipientError> Errors,
    decimal Cost,
    DateTime? ScheduledAt);

/// <summary>A send worked out before it is made (<see cref="CampaignService.Quote"/>).</summary>
/// <param name="Body">The message as the sample recipient gets it, opt-out text included.</param>
/// <param name="DueAt">UTC when the send goes out; null for now.</param>
/// <param name="WaitsForWindow">True when the promotional window, not the user's choice, sets <paramref name="DueAt"/>.</param>
/// <param name="MessageProblem">Why the message cannot be sent as it is (too many parts), or null.</param>
/// <param name="RecipientsProblem">Why the typed numbers cannot be sent (too many), or null.</param>
public sealed record SendQuote(
    string Body,
    Messaging.SmsAnalysis Analysis,
    decimal CostPerRecipient,
    decimal TotalCost,
    DateTime? DueAt,
    bool WaitsForWindow,
    string? MessageProblem,
    string? RecipientsProblem);
