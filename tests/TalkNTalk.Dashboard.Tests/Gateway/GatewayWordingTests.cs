using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Providers;
using TalkNTalk.Dashboard.Gateway;

namespace TalkNTalk.Dashboard.Tests.Gateway;

public sealed class GatewayWordingTests
{
    private static readonly GatewayHealth Down = new("Simulated", GatewayState.Waiting, new DateTime(2026, 12, 1, 7, 42, 0, DateTimeKind.Utc), null, null, null, "refused", 0, 0);

    [Theory]
    [InlineData(Channel.Sms, "Waiting for the SMS gateway since 07:42 — messages stay queued and nothing is charged.")]
    [InlineData(Channel.Email, "Waiting for the e-mail server since 07:42 — messages stay queued and nothing is charged.")]
    [InlineData(Channel.WhatsApp, "Waiting for the WhatsApp API since 07:42 — messages stay queued and nothing is charged.")]
    public void A_campaigns_notice_names_its_own_channels_lane(Channel channel, string expected) =>
        Assert.Equal(expected, GatewayWording.CampaignNotice(Down, utc => utc.ToString("HH:mm"), channel));
}
