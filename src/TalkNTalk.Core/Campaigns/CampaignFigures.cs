using System.Globalization;

namespace TalkNTalk.Core.Campaigns;

/// <summary>
/// What a person reads about a campaign's outcome, each figure computed for what it is: sent (handed to the network),
/// delivered as a share of sent (as the overview computes it), failed, undelivered, cancelled, and still to send.
/// The API's <c>delivery_rate</c> (sent ÷ recipients) keeps its documented meaning in <see cref="CampaignView.DeliveryRate"/>.
/// </summary>
public sealed record CampaignFigures(int Recipients, int Sent, int Delivered, int Undelivered, int Failed, int Cancelled, int Pending, int Unknown = 0)
{
    public static CampaignFigures Of(CampaignView c) =>
        new(c.RecipientsCount, c.SentCount, c.DeliveredCount, c.UndeliveredCount, c.FailedCount, c.CancelledCount, c.QueuedCount + c.HeldCount, c.UnknownCount);

    /// <summary>Delivered ÷ sent × 100, one decimal; null before anything was sent.</summary>
    public decimal? DeliveredOfSent => Sent == 0 ? null : Math.Round(100m * Delivered / Sent, 1, MidpointRounding.AwayFromZero);

    /// <summary>Sent but with no receipt yet either way.</summary>
    public int AwaitingReceipt => Math.Max(0, Sent - Delivered - Undelivered);

    /// <summary>Recipients with a final or submitted outcome, for the progress bar.</summary>
    public int Processed => Sent + Failed + Cancelled + Unknown;

    /// <summary>Processed ÷ recipients × 100, whole percent.</summary>
    public int ProcessedPercent => Recipients == 0 ? 0 : (int)Math.Floor(100.0 * Processed / Recipients);

    /// <summary>A share of the recipients, in percent with one decimal, for one segment of the outcome bar.</summary>
    public double PercentOf(int count) => Recipients == 0 ? 0 : Math.Round(100.0 * count / Recipients, 1);

    /// <summary>"1,480 sent · 12 failed · 508 cancelled of 2,000": what the outcome bar shows, in words.</summary>
    public string OutcomeText => string.Join(" · ", new[] { (Sent, "sent"), (Failed, "failed"), (Unknown, "outcome unknown"), (Cancelled, "cancelled") }
        .Where(p => p.Item1 > 0 || p.Item2 == "sent").Select(p => $"{p.Item1:N0} {p.Item2}")) + $" of {Recipients:N0}";

    /// <summary>"96.3% of sent", beside a figure already labelled Delivered; "nothing sent yet" before anything was sent.</summary>
    public string ShareOfSentText => DeliveredOfSent is { } rate ? $"{rate.ToString("0.0", CultureInfo.InvariantCulture)}% of sent" : "nothing sent yet";

    /// <summary>"Delivered 96.3% of sent", or "Nothing sent yet".</summary>
    public string DeliveredOfSentText => DeliveredOfSent is { } rate
        ? $"Delivered {rate.ToString("0.0", CultureInfo.InvariantCulture)}% of sent"
        : "Nothing sent yet";
}
