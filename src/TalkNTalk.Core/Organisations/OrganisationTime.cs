using System.Collections.Concurrent;

namespace TalkNTalk.Core.Organisations;

/// <summary>Times are stored in UTC and shown in the organisation's zone.</summary>
public static class OrganisationTime
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new();

    /// <summary>Resolves an IANA zone id, falling back to Africa/Nairobi (UTC+3, no daylight saving).</summary>
    public static TimeZoneInfo Zone(string? id) => Zones.GetOrAdd(id ?? Organisation.DefaultTimeZone, static key =>
        TimeZoneInfo.TryFindSystemTimeZoneById(key, out var zone)
            ? zone
            : TimeZoneInfo.CreateCustomTimeZone(Organisation.DefaultTimeZone, TimeSpan.FromHours(3), "East Africa Time", "EAT"));

    public static bool IsKnownZone(string? id) => id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    /// <summary>A UTC instant as a local offset time in the given zone.</summary>
    public static DateTimeOffset ToLocal(DateTime utc, string? zoneId)
    {
        var zone = Zone(zoneId);
        var instant = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return TimeZoneInfo.ConvertTime(instant, zone);
    }
}
