using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Messages;

/// <summary>
/// How many of a campaign's messages are in one status on one network, and what they cost in cents. The counts the
/// explorer and the overview show come from here instead of scanning millions of messages. A campaign's messages
/// share its organisation, channel, sender ID, source and creation time, so those are copied here for filtering.
/// Kept exact in the same transaction as every change: <see cref="MessageIndex"/> writes a new campaign's rows, and
/// database triggers move a message between rows when its status changes (migration <c>MessageExplorer</c>).
/// </summary>
public sealed class MessageStat
{
    public Guid CampaignId { get; set; }
    public MessageStatus Status { get; set; }
    public Network Network { get; set; }
    public Guid OrganisationId { get; set; }

    /// <summary>When the campaign's messages were created (all at once, in UTC).</summary>
    public DateTime CreatedAt { get; set; }

    public Channel Channel { get; set; }
    public required string SenderId { get; set; }
    public MessageSource Source { get; set; }
    public int Messages { get; set; }

    /// <summary>Whole cents, so sums stay exact.</summary>
    public long CostCents { get; set; }
}
