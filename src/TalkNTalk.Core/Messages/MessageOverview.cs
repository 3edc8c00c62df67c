using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Phones;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Messages;

public sealed record DailyStatusCount(DateOnly Day, MessageStatus Status, int Messages);

/// <summary>Delivery on one network. <see cref="Sent"/> counts messages sent to the network (sent, delivered, undelivered).</summary>
public sealed record NetworkDelivery(Network Network, int Messages, int Delivered, int Undelivered, int Failed, int Sent)
{
    /// <summary>Delivered, % of sent: delivered ÷ sent to the network × 100, one decimal, as the campaign page counts it.</summary>
    public double Rate => Sent == 0 ? 0 : Math.Round(100.0 * Delivered / Sent, 1);
}

/// <summary>What a day's messages cost, what was topped up, and the wallet's available balance at the end of the day.</summary>
public sealed record DailySpend(DateOnly Day, decimal Spend, decimal TopUps, decimal BalanceAtEnd);

public sealed record SenderVolume(string SenderId, int Messages, int Delivered);

/// <summary>A channel's messages over the overview's days, whatever channel the overview shows.</summary>
public sealed record ChannelVolume(Channel Channel, int Messages, int Delivered);

/// <summary>
/// The overview's figures, of one channel or (<see cref="Channel"/> null) of all; <see cref="Channels"/> counts every
/// channel used, for the choice between them. Networks are those of SMS and WhatsApp numbers only.
/// </summary>
public sealed record OverviewData(
    DateOnly FirstDay, DateOnly LastDay, IReadOnlyList<DailyStatusCount> Daily, IReadOnlyList<NetworkDelivery> Networks,
    IReadOnlyList<DailySpend> Spend, IReadOnlyList<SenderVolume> Senders, Channel? Channel = null, IReadOnlyList<ChannelVolume>? Channels = null)
{
    public int Messages => Daily.Sum(d => d.Messages);
    public int CountOf(MessageStatus status) => Daily.Where(d => d.Status == status).Sum(d => d.Messages);
    public decimal TotalSpend => Spend.Sum(s => s.Spend);
    /// <summary>Messages sent to the network: sent, delivered or undelivered.</summary>
    public int Sent => CountOf(MessageStatus.Sent) + CountOf(MessageStatus.Delivered) + CountOf(MessageStatus.Undelivered);
    /// <summary>Delivered, % of sent, one decimal; null before anything was sent.</summary>
    public double? DeliveredOfSent => Sent == 0 ? null : Math.Round(100.0 * CountOf(MessageStatus.Delivered) / Sent, 1);
}

/// <summary>
/// The overview's charts for the last days, read from <c>message_stats</c> and the wallet ledger: a few thousand
/// rows whatever the number of messages. Days are the organisation's local days, like the explorer's date filter,
/// so a chart's figure and the explorer's total for the same filter agree.
/// </summary>
public sealed class MessageOverview(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Statuses whose messages were charged (sent to the network).</summary>
    public static readonly IReadOnlyList<MessageStatus> Charged = [MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Undelivered];

    public async Task<OverviewData> GetAsync(Guid organisationId, string? timeZoneId, int days = 30, Channel? channel = null, CancellationToken ct = default)
    {
        var lastDay = DateOnly.FromDateTime(OrganisationTime.ToLocal(clock.GetUtcNow().UtcDateTime, timeZoneId).DateTime);
        var firstDay = lastDay.AddDays(1 - days);
        var start = OrganisationTime.DayStartUtc(firstDay, timeZoneId);
        DateOnly DayOf(DateTime utc) => DateOnly.FromDateTime(OrganisationTime.ToLocal(utc, timeZoneId).DateTime);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await db.MessageStats.AsNoTracking()
            .Where(s => s.OrganisationId == organisationId && s.CreatedAt >= start && s.Messages > 0)
            .Select(s => new { s.CreatedAt, s.Status, s.Network, s.Channel, s.SenderId, s.Messages, s.CostCents })
            .ToListAsync(ct);
        var channels = all.GroupBy(s => s.Channel)
            .Select(g => new ChannelVolume(g.Key, g.Sum(s => s.Messages), g.Where(s => s.Status == MessageStatus.Delivered).Sum(s => s.Messages)))
            .OrderBy(c => c.Channel).ToList();
        var stats = channel is { } only ? all.Where(s => s.Channel == only).ToList() : all;

        var daily = stats.GroupBy(s => (Day: DayOf(s.CreatedAt), s.Status))
            .Select(g => new DailyStatusCount(g.Key.Day, g.Key.Status, g.Sum(s => s.Messages)))
            .OrderBy(d => d.Day).ThenBy(d => d.Status).ToList();
        var networks = stats.Where(s => s.Network != Network.None).GroupBy(s => s.Network)
            .Select(g => new NetworkDelivery(g.Key, g.Sum(s => s.Messages),
                g.Where(s => s.Status == MessageStatus.Delivered).Sum(s => s.Messages),
                g.Where(s => s.Status == MessageStatus.Undelivered).Sum(s => s.Messages),
                g.Where(s => s.Status == MessageStatus.Failed).Sum(s => s.Messages),
                g.Where(s => Charged.Contains(s.Status)).Sum(s => s.Messages)))
            .OrderByDescending(n => n.Messages).ToList();
        var senders = stats.GroupBy(s => s.SenderId, StringComparer.OrdinalIgnoreCase)
            .Select(g => new SenderVolume(g.First().SenderId, g.Sum(s => s.Messages), g.Where(s => s.Status == MessageStatus.Delivered).Sum(s => s.Messages)))
            .OrderByDescending(s => s.Messages).Take(8).ToList();
        var spendByDay = stats.Where(s => Charged.Contains(s.Status)).GroupBy(s => DayOf(s.CreatedAt)).ToDictionary(g => g.Key, g => g.Sum(s => s.CostCents) / 100m);

        // The balance at each day's end is the last ledger entry's; days without entries carry the previous one.
        var ledger = await db.WalletLedger.AsNoTracking()
            .Where(e => e.OrganisationId == organisationId && e.CreatedAt >= start)
            .OrderBy(e => e.Id).Select(e => new { e.CreatedAt, e.Kind, e.Amount, e.AvailableAfter })
            .ToListAsync(ct);
        var balance = await db.WalletLedger.AsNoTracking()
            .Where(e => e.OrganisationId == organisationId && e.CreatedAt < start)
            .OrderByDescending(e => e.Id).Select(e => (decimal?)e.AvailableAfter).FirstOrDefaultAsync(ct) ?? 0m;
        var byDay = ledger.GroupBy(e => DayOf(e.CreatedAt)).ToDictionary(g => g.Key, g => g.ToList());
        var spend = new List<DailySpend>(days);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var topUps = 0m;
            if (byDay.TryGetValue(day, out var entries))
            {
                balance = entries[^1].AvailableAfter;
                topUps = entries.Where(e => e.Kind == LedgerEntryKind.TopUp).Sum(e => e.Amount);
            }
            spend.Add(new DailySpend(day, spendByDay.GetValueOrDefault(day), topUps, balance));
        }
        return new OverviewData(firstDay, lastDay, daily, networks, spend, senders, channel, channels);
    }
}
