using Microsoft.Extensions.Options;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Messaging;

namespace TalkNTalk.Core.Pricing;

/// <summary>What the platform charges, bound from the "Pricing" configuration section.</summary>
public sealed class PricingOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Pricing";

    /// <summary>Price of one SMS segment to one recipient.</summary>
    public decimal PricePerSegment { get; set; } = 1.00m;

    /// <summary>Price of one WhatsApp message (text or template) to one recipient.</summary>
    public decimal WhatsAppPerMessage { get; set; } = 0.80m;

    /// <summary>Price of one Telegram message to one recipient.</summary>
    public decimal TelegramPerMessage { get; set; } = 0.20m;

    /// <summary>Price of one e-mail to one recipient.</summary>
    public decimal EmailPerMessage { get; set; } = 0.10m;

    /// <summary>Price of one Slack message to one member.</summary>
    public decimal SlackPerMessage { get; set; } = 0.10m;

    /// <summary>ISO currency code prices are in.</summary>
    public string Currency { get; set; } = "KES";
}

/// <summary>
/// Prices messages: SMS by billable segment (every recipient is charged for every segment), every other channel by the
/// message, each channel at its own configured price.
/// </summary>
public sealed class MessagePricing
{
    private readonly decimal _pricePerSegment;
    private readonly PricingOptions _options;

    /// <summary>Creates the pricer; a negative configured price is refused at startup rather than crediting customers.</summary>
    public MessagePricing(IOptions<PricingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _pricePerSegment = options.Value.PricePerSegment;
        ArgumentOutOfRangeException.ThrowIfNegative(_pricePerSegment, nameof(PricingOptions.PricePerSegment));
        foreach (var channel in ChannelNames.All.Where(c => c != Channel.Sms))
            ArgumentOutOfRangeException.ThrowIfNegative(PerMessage(channel), $"{channel}PerMessage");
    }

    /// <summary>Price of one message to one recipient on a channel priced by the message (every channel but SMS).</summary>
    public decimal PerMessage(Channel channel) => channel switch
    {
        Channel.WhatsApp => _options.WhatsAppPerMessage,
        Channel.Telegram => _options.TelegramPerMessage,
        Channel.Email => _options.EmailPerMessage,
        Channel.Slack => _options.SlackPerMessage,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "SMS is priced by the segment: use CostOf(segments)."),
    };

    /// <summary>Cost of one message to one recipient: SMS by its segments, any other channel by the message.</summary>
    public decimal CostOf(Channel channel, int segments) => channel == Channel.Sms ? CostOf(segments) : PerMessage(channel);

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
