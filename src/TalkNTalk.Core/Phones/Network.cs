namespace TalkNTalk.Core.Phones;

/// <summary>The Kenyan mobile network a number belongs to, judged by its prefix.</summary>
public enum Network
{
    Unknown,
    Safaricom,
    Airtel,
    Telkom,

    /// <summary>Not a phone number at all: a message or contact address on e-mail, Telegram or Slack.</summary>
    None,
}

/// <summary>Converts networks to and from the lowercase names the API uses.</summary>
public static class NetworkNames
{
    /// <summary>The API name of the network: "safaricom", "airtel", "telkom", "unknown", or "none" for an address that is not a number.</summary>
    public static string ToApiName(this Network network) => network switch
    {
        Network.Safaricom => "safaricom",
        Network.Airtel => "airtel",
        Network.Telkom => "telkom",
        Network.None => "none",
        _ => "unknown",
    };

    /// <summary>Reads a network name case-insensitively; numbers are refused, unlike <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>.</summary>
    public static bool TryParse(string? name, out Network network)
    {
        var trimmed = name?.Trim();
        foreach (var candidate in Enum.GetValues<Network>())
        {
            if (string.Equals(trimmed, candidate.ToApiName(), StringComparison.OrdinalIgnoreCase))
            {
                network = candidate;
                return true;
            }
        }

        network = Network.Unknown;
        return false;
    }
}
