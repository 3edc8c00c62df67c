namespace TalkNTalk.Core.Dispatch;

/// <summary>
/// A delivery report as it arrived, kept until the dispatcher has applied it (<c>delivery_inbox</c>). The row is
/// written before the provider's callback is answered, so a crash loses no report.
/// </summary>
public sealed class InboxReceipt
{
    /// <summary>A plain rowid: arrival order.</summary>
    public long Id { get; set; }

    public Guid? MessageId { get; set; }
    public string? ProviderMessageId { get; set; }
    public bool Delivered { get; set; }
    public string? ErrorCode { get; set; }

    /// <summary>The network the provider says the number is on, which corrects the prefix table's guess on the message.</summary>
    public Phones.Network? Network { get; set; }

    /// <summary>When the network says it happened.</summary>
    public DateTime At { get; set; }

    public DateTime ReceivedAt { get; set; }

    /// <summary>How often it found its message not yet recorded as sent (a report can overtake the submission's answer).</summary>
    public int Attempts { get; set; }

    /// <summary>Not before this time: set after a miss, null for a new report.</summary>
    public DateTime? RetryAt { get; set; }
}
