using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Campaigns;

/// <summary>
/// When every message of a campaign reached its final status, which is later than <see cref="Campaign.FinishedAt"/>
/// (every message handed over) on a channel with delivery reports: the last report decides. Once every message is final
/// the time cannot change (reports only move messages that are <c>sent</c>, and a message of unknown outcome keeps its
/// campaign unresolved), so it is remembered rather than read again from the campaign's messages on every poll.
/// </summary>
public sealed class CampaignCompletion(IDbContextFactory<TalkNTalkDbContext> dbFactory)
{
    private const int Remembered = 10_000;
    private readonly ConcurrentDictionary<Guid, DateTime> _known = new();

    /// <summary>
    /// The time the last message of <paramref name="campaign"/> became final (UTC). Call it only for a campaign whose
    /// messages all are: finished, none awaiting a report, none of unknown outcome.
    /// </summary>
    public async Task<DateTime> CompletedAtAsync(CampaignView campaign, CancellationToken ct = default)
    {
        var finished = campaign.FinishedAt ?? campaign.StartedAt ?? campaign.CreatedAt;
        // Without delivery reports a message is final when the provider takes it (a later e-mail bounce aside).
        if (ChannelRules.DeliveredOnAcceptance(campaign.Channel))
            return finished;
        if (_known.TryGetValue(campaign.Id, out var known))
            return known;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lastReport = await db.Messages.AsNoTracking()
            .Where(m => m.CampaignId == campaign.Id && (m.Status == MessageStatus.Delivered || m.Status == MessageStatus.Undelivered))
            .MaxAsync(m => m.DeliveredAt, ct);
        var completed = lastReport is { } at && at > finished ? at : finished;
        if (_known.Count >= Remembered)
            _known.Clear();
        _known[campaign.Id] = completed;
        return completed;
    }
}
