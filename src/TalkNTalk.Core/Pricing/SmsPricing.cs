using Microsoft.Extensions.Options;
using TalkNTalk.Core.Messaging;

namespace TalkNTalk.Core.Pricing;

/// <summary>What the platform charges, bound from the "Pricing" configuration section.</summary>
public sealed class PricingOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Pricing";

    /// <summary>Price of one SMS segment to one recipient.</summary>
    public decimal PricePerSegment { get; set; } = 1.00m;

    /// <summary>ISO currency code prices are in.</summary>
    public string Currency { get; set; } = "KES";
}

/// <summary>Prices messages by billable segment; every recipient is charged for every segment.</summary>
public sealed class SmsPricing
{
    private readonly decimal _pricePerSegment;

    /// <summary>Creates the pricer; a negative configured price is refused at startup rather than crediting customers.</summary>
    public SmsPricing(IOptions<PricingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pricePerSegment = options.Value.PricePerSegment;
        ArgumentOutOfRangeException.ThrowIfNegative(_pricePerSegment, nameof(PricingOptions.PricePerSegment));
    }

    /// <summary>Cost of sending the given number of segments to one recipient.</summary>
    public decimal CostOf(int segments)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(segments);
        return segments * _pricePerSegment;
    }

    /// <summary>Cost of sending the message to one recipient.</summary>
    public decimal CostOf(string message) => CostOf(SmsText.Analyse(message).Segments);

    /// <summary>Cost of sending the message to every recipient of a campaign.</summary>
    public decimal EstimateCampaign(string message, int recipients)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recipients);
        return CostOf(message) * recipients;
    }
}
