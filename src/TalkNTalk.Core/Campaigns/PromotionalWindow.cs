using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Core.Campaigns;

/// <summary>When promotional messages may go out (by default 08:00–18:00 East Africa Time).</summary>
public static class PromotionalWindow
{
    /// <summary>The earliest time at or after <paramref name="utc"/> inside the window.</summary>
    public static DateTime NextOpen(DateTime utc, SendingOptions options)
    {
        var local = OrganisationTime.ToLocal(utc, options.PromotionalTimeZone).DateTime;
        var time = TimeOnly.FromDateTime(local);
        if (time >= options.PromotionalWindowStart && time < options.PromotionalWindowEnd)
            return utc;
        var day = DateOnly.FromDateTime(local);
        if (time >= options.PromotionalWindowEnd)
            day = day.AddDays(1);
        return OrganisationTime.ToUtc(day.ToDateTime(options.PromotionalWindowStart), options.PromotionalTimeZone);
    }

    public static bool IsOpen(DateTime utc, SendingOptions options) => NextOpen(utc, options) == utc;

    /// <summary>"08:00–18:00", as the pages name the window.</summary>
    public static string Describe(SendingOptions options) => $"{options.PromotionalWindowStart:HH\\:mm}–{options.PromotionalWindowEnd:HH\\:mm}";
}
