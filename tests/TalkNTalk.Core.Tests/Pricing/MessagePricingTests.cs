using System.Globalization;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.Pricing;

namespace TalkNTalk.Core.Tests.Pricing;

public sealed class MessagePricingTests
{
    private static MessagePricing Pricing(decimal pricePerSegment = 1.00m) =>
        new(Options.Create(new PricingOptions { PricePerSegment = pricePerSegment }));

    [Fact]
    public void Defaults_to_one_shilling_per_segment()
    {
        var options = new PricingOptions();

        Assert.Equal(1.00m, options.PricePerSegment);
        Assert.Equal("KES", options.Currency);
        Assert.Equal("Pricing", PricingOptions.SectionName);
    }

    [Theory]
    [InlineData(0, "1.00", "0")]
    [InlineData(1, "1.00", "1.00")]
    [InlineData(3, "1.00", "3.00")]
    [InlineData(3, "0.80", "2.40")]
    [InlineData(7, "0.35", "2.45")]
    [InlineData(10, "0", "0")]
    public void Cost_is_segments_times_price(int segments, string price, string expected)
    {
        var pricing = Pricing(decimal.Parse(price, CultureInfo.InvariantCulture));

        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), pricing.CostOf(segments));
    }

    [Fact]
    public void Decimal_prices_do_not_drift()
    {
        // 0.1 is not representable in binary floating point; a million of them must still be exact.
        Assert.Equal(100_000.0m, Pricing(0.1m).CostOf(1_000_000));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("Habari", 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Message_cost_follows_its_segments(object message, int segments)
    {
        var text = message as string ?? new string('a', (int)message);

        Assert.Equal(segments * 0.80m, Pricing(0.80m).CostOf(text));
    }

    [Fact]
    public void Unicode_messages_cost_more_segments()
    {
        var text = new string('a', 100);

        Assert.Equal(1.00m, Pricing().CostOf(text));
        Assert.Equal(2.00m, Pricing().CostOf(text + "\u2019"));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "0.80")]
    [InlineData(1560, "1248.00")]
    public void Campaign_cost_charges_every_recipient(int recipients, string expected)
    {
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), Pricing(0.80m).EstimateCampaign("Habari yako", recipients));
    }

    [Fact]
    public void Campaign_cost_multiplies_segments_by_recipients()
    {
        Assert.Equal(3_000m, Pricing().EstimateCampaign(new string('a', 200), 1_500));
    }

    [Fact]
    public void Negative_inputs_are_refused()
    {
        var pricing = Pricing();

        Assert.Throws<ArgumentOutOfRangeException>(() => pricing.CostOf(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pricing.EstimateCampaign("Habari", -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pricing(-0.01m));
    }

    [Theory]
    [InlineData("1248", "KES 1248.00")]
    [InlineData("0", "KES 0.00")]
    [InlineData("0.8", "KES 0.80")]
    [InlineData("1234567.891", "KES 1234567.89")]
    [InlineData("0.005", "KES 0.01")]
    [InlineData("2.345", "KES 2.35")]
    [InlineData("-5", "KES -5.00")]
    public void Format_is_the_api_form(string amount, string expected)
    {
        Assert.Equal(expected, Money.Format(decimal.Parse(amount, CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("1248", "KES 1,248.00")]
    [InlineData("0", "KES 0.00")]
    [InlineData("999.999", "KES 1,000.00")]
    [InlineData("1234567.5", "KES 1,234,567.50")]
    public void Display_groups_thousands_for_people(string amount, string expected)
    {
        Assert.Equal(expected, Money.Display(decimal.Parse(amount, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Formatting_ignores_the_server_culture()
    {
        var original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");

            Assert.Equal("KES 1248.50", Money.Format(1248.5m));
            Assert.Equal("KES 1,248.50", Money.Display(1248.5m));
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }
}
