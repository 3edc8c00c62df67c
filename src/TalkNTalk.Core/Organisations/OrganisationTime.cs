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

    /// <summary>The UTC instant a local wall-clock time in the zone stands for (a scheduled send's "Friday 09:00").</summary>
    /// <summary>A stored UTC time as exports write it: ISO 8601 in the organisation's zone, with its offset ("2026-11-25T09:05:00+03:00").</summary>
    public static string? Iso(DateTime? utc, string? zoneId) =>
        utc is { } value ? ToLocal(value, zoneId).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture) : null;

    public static DateTime ToUtc(DateTime local, string? zoneId) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone(zoneId));

    /// <summary>The UTC instant a local day starts: "from 1 Dec" filters from here; "to 1 Dec" up to the next day's start.</summary>
    public static DateTime DayStartUtc(DateOnly day, string? zoneId) => ToUtc(day.ToDateTime(TimeOnly.MinValue), zoneId);

    /// <summary>The start of the day after <paramref name="day"/>, so a range "to" a day includes all of it.</summary>
    public static DateTime DayEndUtc(DateOnly day, string? zoneId) => DayStartUtc(day.AddDays(1), zoneId);
}
