using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Common;

namespace TalkNTalk.Core.Tests.Campaigns;

public sealed class CampaignStateMachineTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 6, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Queued)]
    [InlineData(CampaignStatus.Scheduled, CampaignStatus.Queued)]
    [InlineData(CampaignStatus.Queued, CampaignStatus.Running)]
    [InlineData(CampaignStatus.Running, CampaignStatus.Paused)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Running)]
    [InlineData(CampaignStatus.Running, CampaignStatus.Completed)]
    [InlineData(CampaignStatus.Running, CampaignStatus.Cancelled)]
    [InlineData(CampaignStatus.Queued, CampaignStatus.Failed)]
    public void Allowed_moves_happen(CampaignStatus from, CampaignStatus to)
    {
        var campaign = new Campaign { Name = "c", Message = "m", SenderId = "S", Status = from };
        CampaignStateMachine.Move(campaign, to, Now);
        Assert.Equal(to, campaign.Status);
    }

    [Theory]
    [InlineData(CampaignStatus.Completed, CampaignStatus.Running)]
    [InlineData(CampaignStatus.Cancelled, CampaignStatus.Queued)]
    [InlineData(CampaignStatus.Failed, CampaignStatus.Running)]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Completed)]
    [InlineData(CampaignStatus.Scheduled, CampaignStatus.Completed)]
    [InlineData(CampaignStatus.Completed, CampaignStatus.Cancelled)]
    public void Other_moves_are_refused_and_change_nothing(CampaignStatus from, CampaignStatus to)
    {
        var campaign = new Campaign { Name = "c", Message = "m", SenderId = "S", Status = from };
        var error = Assert.Throws<DomainException>(() => CampaignStateMachine.Move(campaign, to, Now));
        Assert.Equal("invalid_transition", error.Code);
        Assert.Equal(from, campaign.Status);
    }

    [Fact]
    public void Starting_and_finishing_stamp_their_times_once()
    {
        var campaign = new Campaign { Name = "c", Message = "m", SenderId = "S", Status = CampaignStatus.Queued };
        CampaignStateMachine.Move(campaign, CampaignStatus.Running, Now);
        CampaignStateMachine.Move(campaign, CampaignStatus.Paused, Now.AddMinutes(1));
        CampaignStateMachine.Move(campaign, CampaignStatus.Running, Now.AddMinutes(2));
        CampaignStateMachine.Move(campaign, CampaignStatus.Completed, Now.AddMinutes(3));
        Assert.Equal((Now, Now.AddMinutes(3)), (campaign.StartedAt, campaign.FinishedAt));
    }

    [Fact]
    public void The_promotional_window_opens_at_eight_nairobi_time()
    {
        var options = new SendingOptions();
        Assert.Equal(new DateTime(2026, 11, 26, 5, 0, 0), PromotionalWindow.NextOpen(new DateTime(2026, 11, 25, 15, 0, 0), options)); // 18:00 EAT: closed
        Assert.Equal(new DateTime(2026, 11, 25, 5, 0, 0), PromotionalWindow.NextOpen(new DateTime(2026, 11, 25, 2, 0, 0), options));  // 05:00 EAT
        Assert.True(PromotionalWindow.IsOpen(new DateTime(2026, 11, 25, 14, 59, 0), options));                                         // 17:59 EAT
    }
}
