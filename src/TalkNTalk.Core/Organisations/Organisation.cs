namespace TalkNTalk.Core.Organisations;

/// <summary>A customer of the platform: owns users, sender IDs, a wallet and (later) address books and campaigns.</summary>
public sealed class Organisation
{
    public const string DefaultTimeZone = "Africa/Nairobi";

    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public string TimeZoneId { get; set; } = DefaultTimeZone;
    public DateTime CreatedAt { get; set; }

    /// <summary>The organisation's zone; falls back to Nairobi if the stored id is unknown on this host.</summary>
    public TimeZoneInfo TimeZone => OrganisationTime.Zone(TimeZoneId);

    /// <summary>The name as a URL-safe word, as TalkNTalk's API shows it: "Acme Kenya Ltd." becomes "acme-kenya-ltd".</summary>
    public static string SlugOf(string name)
    {
        var words = System.Text.RegularExpressions.Regex.Split(name.ToLowerInvariant(), "[^a-z0-9]+").Where(w => w.Length > 0);
        return string.Join('-', words);
    }
}
