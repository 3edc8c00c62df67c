using TalkNTalk.Core.Common;

namespace TalkNTalk.Core.Campaigns;

/// <summary>Every campaign status change goes through here, so the allowed moves live in one switch.</summary>
public static class CampaignStateMachine
{
    public static bool CanMove(CampaignStatus from, CampaignStatus to) => (from, to) switch
    {
        (CampaignStatus.Draft, CampaignStatus.Scheduled or CampaignStatus.Queued or CampaignStatus.Cancelled) => true,
        (CampaignStatus.Scheduled, CampaignStatus.Queued or CampaignStatus.Running or CampaignStatus.Cancelled) => true,
        (CampaignStatus.Queued, CampaignStatus.Running or CampaignStatus.Paused or CampaignStatus.Cancelled or CampaignStatus.Failed) => true,
        (CampaignStatus.Running, CampaignStatus.Paused or CampaignStatus.Completed or CampaignStatus.Cancelled or CampaignStatus.Failed) => true,
        (CampaignStatus.Paused, CampaignStatus.Running or CampaignStatus.Queued or CampaignStatus.Cancelled or CampaignStatus.Failed) => true,
        _ => false,
    };

    /// <summary>Moves the campaign or refuses with a message a person understands.</summary>
    public static void Move(Campaign campaign, CampaignStatus to, DateTime now)
    {
        if (campaign.Status == to)
            return;
        if (!CanMove(campaign.Status, to))
            throw new DomainException("invalid_transition",
                $"A {campaign.Status.ToString().ToLowerInvariant()} campaign cannot become {to.ToString().ToLowerInvariant()}.");
        if (to == CampaignStatus.Running)
            campaign.StartedAt ??= now;
        if (to is CampaignStatus.Completed or CampaignStatus.Cancelled or CampaignStatus.Failed)
            campaign.FinishedAt = now;
        campaign.Status = to;
    }

    /// <summary>
    /// A completed campaign runs again for the messages an admin sends again after their outcome was unknown
    /// (<see cref="CampaignQueries.SettleUnknownAsync"/>); no other path may re-open a finished campaign.
    /// </summary>
    public static void Reopen(Campaign campaign)
    {
        if (campaign.Status != CampaignStatus.Completed)
            throw new DomainException("invalid_transition", $"A {campaign.Status.ToString().ToLowerInvariant()} campaign cannot run again.");
        campaign.Status = CampaignStatus.Running;
        campaign.FinishedAt = null;
    }

    public static bool IsFinished(CampaignStatus status) => status is CampaignStatus.Completed or CampaignStatus.Cancelled or CampaignStatus.Failed;
}
