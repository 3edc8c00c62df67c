namespace TalkNTalk.Core.Campaigns;

/// <summary>Rules for sending (section <c>Sending</c>): the promotional window and the opt-out text operators require.</summary>
public sealed class SendingOptions
{
    /// <summary>Promotional traffic goes out only from this local time...</summary>
    public TimeOnly PromotionalWindowStart { get; set; } = new(8, 0);

    /// <summary>...until this local time, in <see cref="PromotionalTimeZone"/>.</summary>
    public TimeOnly PromotionalWindowEnd { get; set; } = new(18, 0);

    public string PromotionalTimeZone { get; set; } = "Africa/Nairobi";

    /// <summary>Appended to every promotional message, on its own line, and counted in its segments and cost.</summary>
    public string OptOutSuffix { get; set; } = "STOP*456*9*5#";

    /// <summary>Recipients of one bulk call, as the API documents.</summary>
    public int MaxRecipientsPerBulkCall { get; set; } = 10_000;
}
