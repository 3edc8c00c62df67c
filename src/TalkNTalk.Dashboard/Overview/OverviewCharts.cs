using System.Globalization;
using MudBlazor;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Phones;
using TalkNTalk.Dashboard.Messages;

namespace TalkNTalk.Dashboard.Overview;

/// <summary>
/// The overview's figures as MudChart series and as explorer links: each link carries the same filter as its figure,
/// over the same local days, so the explorer's total equals the figure.
/// </summary>
public sealed class OverviewCharts(OverviewData data)
{
    public static readonly MessageStatus[] StatusOrder =
        [MessageStatus.Delivered, MessageStatus.Sent, MessageStatus.Undelivered, MessageStatus.Failed, MessageStatus.Blocked, MessageStatus.Held, MessageStatus.Unknown, MessageStatus.Submitting, MessageStatus.Queued, MessageStatus.Cancelled];

    public OverviewData Data => data;

    public IReadOnlyList<MessageStatus> ShownStatuses => StatusOrder.Where(s => data.CountOf(s) > 0).ToList();

    /// <summary>"84.0%" delivered of sent, or "—" before anything was sent.</summary>
    public string DeliveredOfSent => data.DeliveredOfSent is { } rate ? rate.ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    public IEnumerable<DateOnly> Days
    {
        get
        {
            for (var day = data.FirstDay; day <= data.LastDay; day = day.AddDays(1))
                yield return day;
        }
    }

    // Thirty labels do not fit under thirty bars: every fifth day and the last are named.
    public string[] DayLabels => Sparse(Days.ToList());

    public List<ChartSeries<double>> DailySeries => ShownStatuses.Select(status =>
    {
        var counts = data.Daily.Where(d => d.Status == status).ToDictionary(d => d.Day, d => d.Messages);
        return new ChartSeries<double> { Name = status.ToString(), Data = new ChartData<double>(Days.Select(d => (double)counts.GetValueOrDefault(d)).ToList()) };
    }).ToList();

    public string[] DailyPalette => ShownStatuses.Select(ColorOf).ToArray();

    /// <summary>Messages of a local day in a status: one bar's segment, as the per-day table shows it.</summary>
    public int CountOn(DateOnly day, MessageStatus status) => data.Daily.Where(d => d.Day == day && d.Status == status).Sum(d => d.Messages);

    /// <summary>The days that had messages, newest first: the rows of the per-day table.</summary>
    public IEnumerable<DateOnly> BusyDays => data.Daily.Select(d => d.Day).Distinct().OrderDescending();

    public string[] NetworkLabels => data.Networks.Select(n => n.Network.ToApiName()).ToArray();

    public List<ChartSeries<double>> NetworkSeries =>
        [new() { Name = "Delivered, % of sent", Data = new ChartData<double>(data.Networks.Select(n => n.Rate).ToList()) }];

    public string[] SenderLabels => data.Senders.Select(s => s.SenderId).ToArray();

    public List<ChartSeries<double>> SenderSeries =>
        [new() { Name = "Messages", Data = new ChartData<double>(data.Senders.Select(s => (double)s.Messages).ToList()) }];

    public string[] SpendLabels => Sparse(data.Spend.Select(s => s.Day).ToList());

    private static string[] Sparse(IReadOnlyList<DateOnly> days) =>
        days.Select((d, i) => i % 5 == 0 || i == days.Count - 1 ? d.ToString("d MMM", CultureInfo.InvariantCulture) : "").ToArray();

    public List<ChartSeries<double>> SpendSeries =>
        [new() { Name = "Spent (KES)", Data = new ChartData<double>(data.Spend.Select(s => (double)s.Spend).ToList()) }];

    public List<ChartSeries<double>> BalanceSeries =>
        [new() { Name = "Wallet balance at day's end (KES)", Data = new ChartData<double>(data.Spend.Select(s => (double)s.BalanceAtEnd).ToList()) }];

    /// <summary>The explorer over the overview's days (or one day), with the figure's filter.</summary>
    public string Explore(MessageStatus? status = null, Network? network = null, string? sender = null, DateOnly? day = null) =>
        "messages" + new MessageFilterQuery
        {
            Status = status, Network = network, Sender = sender, From = day ?? data.FirstDay, To = day ?? data.LastDay, Channel = data.Channel,
        }.ToQueryString();

    public static string ColorOf(MessageStatus status) => status switch
    {
        MessageStatus.Delivered => "#2e9a68",
        MessageStatus.Sent => "#1976d2",
        MessageStatus.Undelivered => "#f29d38",
        MessageStatus.Failed => "#d84343",
        MessageStatus.Blocked => "#8e1c1c",
        MessageStatus.Held => "#f2c94c",
        MessageStatus.Queued => "#7fa7d9",
        MessageStatus.Unknown => "#b07cc6",
        MessageStatus.Submitting => "#5c8fd6",
        _ => "#9e9e9e",
    };
}
