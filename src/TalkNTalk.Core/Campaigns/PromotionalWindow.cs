using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Core.Campaigns;

/// <summary>When promotional messages may go out (by default 08:00–18:00 East Africa Time).</summary>
public static class PromotionalWindow
{
    /// <summary>The earliest time at or after <paramref name="utc"/> inside the window.</summary>
    public static DateTime NextOpen(DateTime utc, SendingOptions options)
    {
        var zone = OrganisationTime.Zone(options.PromotionalTimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        var time = TimeOnly.FromDateTime(local);
        if (time >= options.PromotionalWindowStart && time < options.PromotionalWindowEnd)
            return utc;
        var day = DateOnly.FromDateTime(local);
        if (time >= options.PromotionalWindowEnd)
            day = day.AddDays(1);
        var opening = day.ToDateTime(options.PromotionalWindowStart, DateTimeKind.Unspecified);
        return TimeZoneInfo.ConvertTimeToUtc(opening, zone);
    }

    public static bool IsOpen(DateTime utc, SendingOptions options) => NextOpen(utc, options) == utc;
}
