using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Messages;

/// <summary>Filters over an organisation's messages. <see cref="Mobile"/> is a partial number in any format.</summary>
public sealed record MessageFilter(
    MessageStatus? Status = null,
    string? Mobile = null,
    string? SenderId = null,
    MessageSource? Source = null,
    Guid? CampaignId = null);

public sealed record MessageView(
    Guid Id, Guid CampaignId, string Mobile, Network Network, string SenderId, string Body, int Segments, decimal Cost,
    MessageStatus Status, MessageSource Source, string? ErrorCode, string? ErrorDetail,
    DateTime? ScheduledAt, DateTime CreatedAt, DateTime UpdatedAt, DateTime? SentAt, DateTime? DeliveredAt);

/// <summary>Finds messages, newest first, for the API's fetch-messages endpoints (and the explorer next).</summary>
public sealed class MessageQueries(IDbContextFactory<TalkNTalkDbContext> dbFactory)
{
    public async Task<(IReadOnlyList<MessageView> Items, int Total)> SearchAsync(Guid organisationId, MessageFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Messages.AsNoTracking().Where(m => m.OrganisationId == organisationId);
        if (filter.CampaignId is { } campaign)
        {
            if (!await db.Campaigns.AnyAsync(c => c.OrganisationId == organisationId && c.Id == campaign, ct))
                throw DomainException.NotFound("Campaign");
            query = query.Where(m => m.CampaignId == campaign);
        }
        if (filter.Status is { } status)
            query = query.Where(m => m.Status == status);
        if (filter.Source is { } source)
            query = query.Where(m => m.Source == source);
        if (!string.IsNullOrWhiteSpace(filter.SenderId))
        {
            // Sender IDs are stored as registered; compare upper-cased for the documented case-insensitive match.
            var sender = filter.SenderId.Trim().ToUpperInvariant();
            query = query.Where(m => m.SenderId.ToUpper() == sender);
        }
        if (!string.IsNullOrWhiteSpace(filter.Mobile))
        {
            // Letters can never match a number: an empty result, not an error.
            var digits = filter.Mobile.Any(char.IsLetter) ? null : PhoneNumber.DigitsForSearch(filter.Mobile);
            if (digits is null)
                return ([], 0);
            query = query.Where(m => EF.Functions.Like(m.Mobile, Like.Contains(digits), Like.Escape));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500))
            .Select(m => new MessageView(m.Id, m.CampaignId, m.Mobile, m.Network, m.SenderId, m.Body, m.Segments, m.Cost, m.Status, m.Source,
                m.ErrorCode, m.ErrorDetail, m.ScheduledAt, m.CreatedAt, m.UpdatedAt, m.SentAt, m.DeliveredAt))
            .ToListAsync(ct);
        return (rows, total);
    }
}
