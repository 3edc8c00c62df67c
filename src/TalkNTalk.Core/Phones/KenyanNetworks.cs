using System.Globalization;

namespace TalkNTalk.Core.Phones;

/// <summary>The single table of Kenyan mobile prefixes and the network each is allocated to.</summary>
public static class KenyanNetworks
{
    // The prefix is the three digits after 254 (0712 345 678 → 712). Ported numbers keep their
    // original prefix, so this is a best guess for display and routing, never a guarantee.
    private static readonly (int First, int Last, Network Network)[] Prefixes =
    [
        (700, 729, Network.Safaricom),
        (740, 749, Network.Safaricom),
        (757, 759, Network.Safaricom),
        (768, 769, Network.Safaricom),
        (790, 799, Network.Safaricom),
        (110, 115, Network.Safaricom),
        (730, 739, Network.Airtel),
        (750, 756, Network.Airtel),
        (785, 789, Network.Airtel),
        (100, 102, Network.Airtel),
        (770, 779, Network.Telkom),
    ];

    /// <summary>The network for a 254XXXXXXXXX number; <see cref="Network.Unknown"/> for unallocated prefixes or malformed input.</summary>
    public static Network Detect(string? msisdn254)
    {
        if (msisdn254 is null
            || msisdn254.Length < 6
            || !msisdn254.StartsWith("254", StringComparison.Ordinal)
            || !int.TryParse(msisdn254.AsSpan(3, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return Network.Unknown;
        }

        foreach (var (first, last, network) in Prefixes)
        {
            if (prefix >= first && prefix <= last)
            {
                return network;
            }
        }

        return Network.Unknown;
    }
}
