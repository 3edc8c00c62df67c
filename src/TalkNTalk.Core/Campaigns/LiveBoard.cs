namespace TalkNTalk.Core.Campaigns;

/// <summary>One campaign on the wall screen: its figures and, while it runs, its pace and the time it still needs.</summary>
public sealed record LiveCampaign(CampaignView Campaign, int SentLastMinute)
{
    public CampaignFigures Figures => CampaignFigures.Of(Campaign);

    public bool IsActive => Campaign.Status is CampaignStatus.Running or CampaignStatus.Queued or CampaignStatus.Paused;

    /// <summary>Messages a minute over the last minute; null when it is not running.</summary>
    public int? PerMinute => Campaign.Status == CampaignStatus.Running ? SentLastMinute : null;

    /// <summary>At the last minute's pace, how long the messages still to send take; null when unknown or done.</summary>
    public TimeSpan? Remaining => PerMinute is int rate && rate > 0 && Figures.Pending > 0
        ? TimeSpan.FromSeconds(Math.Ceiling(Figures.Pending * 60.0 / rate))
        : null;

    /// <summary>Running campaigns first, then paused and queued ones, then the finished, newest first.</summary>
    public static IReadOnlyList<LiveCampaign> Order(IEnumerable<LiveCampaign> campaigns) =>
        campaigns.OrderBy(c => c.Campaign.Status switch
            {
                CampaignStatus.Running => 0,
                CampaignStatus.Paused => 1,
                CampaignStatus.Queued => 2,
                _ => 3,
            })
            .ThenByDescending(c => c.Campaign.FinishedAt ?? DateTime.MaxValue)
            .ThenByDescending(c => c.Campaign.CreatedAt)
            .ToList();

    /// <summary>"about 4 min left", "under a minute left", "about 1 h 20 min left".</summary>
    public static string RemainingText(TimeSpan remaining) => remaining switch
    {
        { TotalMinutes: < 1 } => "under a minute left",
        { TotalHours: < 1 } => $"about {Math.Ceiling(remaining.TotalMinutes):0} min left",
        _ => $"about {(int)remaining.TotalHours} h {remaining.Minutes} min left",
    };
}
