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

    /// <summary>Where the recipients stand, in the outcome bar's order: its segments, and the words that say them.</summary>
    public IReadOnlyList<Outcome> Outcomes =>
        [new("sent", "sent", Sent), new("failed", "failed", Failed), new("unknown", "outcome unknown", Unknown), new("cancelled", "cancelled", Cancelled)];

    /// <summary>"1,480 sent · 12 failed · 508 cancelled of 2,000": what the outcome bar shows, in words (sent always named).</summary>
    public string OutcomeText => string.Join(" · ", Outcomes.Where(o => o.Count > 0 || o.Kind == "sent").Select(o => $"{o.Count:N0} {o.Label}"))
                                 + $" of {Recipients:N0}";

    /// <param name="Kind">The segment's name in the page's styles.</param>
    public sealed record Outcome(string Kind, string Label, int Count);

    /// <summary>"96.3% of sent", beside a figure already labelled Delivered; "nothing sent yet" before anything was sent.</summary>
    public string ShareOfSentText => DeliveredOfSent is { } rate ? $"{rate.ToString("0.0", CultureInfo.InvariantCulture)}% of sent" : "nothing sent yet";

    /// <summary>"Delivered 96.3% of sent", or "Nothing sent yet".</summary>
    public string DeliveredOfSentText => DeliveredOfSent is { } rate
        ? $"Delivered {rate.ToString("0.0", CultureInfo.InvariantCulture)}% of sent"
        : "Nothing sent yet";
}
