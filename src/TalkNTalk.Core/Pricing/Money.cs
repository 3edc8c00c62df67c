using System.Globalization;

namespace TalkNTalk.Core.Pricing;

/// <summary>Formats Kenyan shilling amounts consistently, whatever the server's culture.</summary>
public static class Money
{
    /// <summary>Machine form used by the API, e.g. "KES 1248.00" (no thousands separator).</summary>
    public static string Format(decimal kes) => "KES " + Amount(kes);

    /// <summary>The amount alone, as TalkNTalk's balance endpoint writes it: "1248.00".</summary>
    public static string Amount(decimal kes) => Round(kes).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Human form used by the UI, e.g. "KES 1,248.00".</summary>
    public static string Display(decimal kes) => "KES " + Round(kes).ToString("#,##0.00", CultureInfo.InvariantCulture);

    // Rounding explicitly so half a cent always rounds the same way, not per formatter.
    private static decimal Round(decimal kes) => Math.Round(kes, 2, MidpointRounding.AwayFromZero);
}
