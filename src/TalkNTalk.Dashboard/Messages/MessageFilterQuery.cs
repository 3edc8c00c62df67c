using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Dashboard.Messages;

/// <summary>
/// The explorer's filters as they appear in its URL (<c>/messages?status=failed&amp;address=0712&amp;from=2026-11-01</c>),
/// so a view can be bookmarked, shared, linked from the overview and exported. Unknown values are dropped with a
/// warning rather than failing; dates are the organisation's local days, <c>to</c> included. <c>mobile</c>, the
/// address's name before there were other channels, is still read, so older links keep working.
/// </summary>
public sealed record MessageFilterQuery
{
    public const string DateFormat = "yyyy-MM-dd";

    public MessageStatus? Status { get; init; }
    public Channel? Channel { get; init; }
    public string? Address { get; init; }
    public string? Sender { get; init; }
    public MessageSource? Source { get; init; }
    public Network? Network { get; init; }
    public Guid? Campaign { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public bool Oldest { get; init; }

    public bool IsEmpty => this with { Oldest = false } == new MessageFilterQuery();

    /// <summary>Reads the URL's values; what cannot be understood is left out and described in <paramref name="warnings"/>.</summary>
    public static MessageFilterQuery Parse(Func<string, string?> value, List<string> warnings)
    {
        var query = new MessageFilterQuery
        {
            Status = ParseEnum<MessageStatus>(value("status"), "status", warnings),
            Address = Trimmed(value("address")) ?? Trimmed(value("mobile")),
            Sender = Trimmed(value("sender")),
            Source = ParseEnum<MessageSource>(value("source"), "source", warnings),
            Oldest = string.Equals(value("sort"), "oldest", StringComparison.OrdinalIgnoreCase),
            From = ParseDate(value("from"), "from", warnings),
            To = ParseDate(value("to"), "to", warnings),
        };
        if (Trimmed(value("network")) is { } network)
        {
            if (NetworkNames.TryParse(network, out var parsed))
                query = query with { Network = parsed };
            else
                warnings.Add($"Unknown network \"{network}\" was ignored: use safaricom, airtel, telkom or unknown.");
        }
        if (Trimmed(value("channel")) is { } channel)
        {
            if (ChannelNames.TryParse(channel, out var parsed))
                query = query with { Channel = parsed };
            else
                warnings.Add($"Unknown channel \"{channel}\" was ignored: use {string.Join(", ", ChannelNames.All.Select(c => c.ToApiName()))}.");
        }
        if (Trimmed(value("campaign")) is { } campaign)
        {
            if (Guid.TryParse(campaign, out var id))
                query = query with { Campaign = id };
            else
                warnings.Add($"\"{campaign}\" is not a campaign id and was ignored.");
        }
        if (query.Address is { } address && query.Channel is { } only && only.UsesMobile() && (address.Any(char.IsLetter) || PhoneNumber.DigitsForSearch(address) is null))
            warnings.Add($"\"{address}\" is not part of a phone number: type digits, e.g. 0712 or 254712345678.");
        if (query is { From: { } from, To: { } to } && from > to)
            warnings.Add($"The start date ({from:d MMM yyyy}) is after the end date ({to:d MMM yyyy}): no message can match. Swap them.");
        return query;
    }

    public static MessageFilterQuery Parse(IQueryCollection query, List<string> warnings) => Parse(key => query[key].ToString(), warnings);

    /// <summary>The core filter, with local days turned into a UTC range; null when nothing can match (a backwards range).</summary>
    public MessageFilter? ToFilter(string? timeZoneId)
    {
        if (From is { } from && To is { } to && from > to)
            return null;
        return new MessageFilter(Status, Address, Sender, Source, Campaign, Network,
            From is { } start ? OrganisationTime.DayStartUtc(start, timeZoneId) : null,
            To is { } end ? OrganisationTime.DayEndUtc(end, timeZoneId) : null,
            Oldest, Channel);
    }

    /// <summary>The query string, without empty values, e.g. <c>?status=failed&amp;network=airtel</c>.</summary>
    public string ToQueryString(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["status"] = Status?.ToString().ToLowerInvariant(),
            ["channel"] = Channel?.ToApiName(),
            ["address"] = Address,
            ["sender"] = Sender,
            ["source"] = Source?.ToString().ToLowerInvariant(),
            ["network"] = Network?.ToApiName(),
            ["campaign"] = Campaign?.ToString(),
            ["from"] = From?.ToString(DateFormat, CultureInfo.InvariantCulture),
            ["to"] = To?.ToString(DateFormat, CultureInfo.InvariantCulture),
            ["sort"] = Oldest ? "oldest" : null,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            values[key] = value;
        var present = values.Where(v => !string.IsNullOrEmpty(v.Value)).ToDictionary(v => v.Key, v => v.Value);
        return QueryHelpers.AddQueryString("", present);
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static T? ParseEnum<T>(string? text, string name, List<string> warnings) where T : struct, Enum
    {
        if (Trimmed(text) is not { } value)
            return null;
        if (EnumNames.TryParse<T>(value, out var parsed))
            return parsed;
        warnings.Add($"Unknown {name} \"{value}\" was ignored: use one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
        return null;
    }

    private static DateOnly? ParseDate(string? text, string name, List<string> warnings)
    {
        if (Trimmed(text) is not { } value)
            return null;
        if (DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date;
        warnings.Add($"The {name} date \"{value}\" was ignored: write it as {DateFormat}, e.g. 2026-11-25.");
        return null;
    }
}
