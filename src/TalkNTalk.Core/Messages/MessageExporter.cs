using System.Globalization;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Messages;

/// <summary>
/// Writes the messages of a filter as CSV, one row at a time from the database to the writer, so a million rows
/// never sit in memory. Times are in the organisation's zone with their offset, like the API's.
/// </summary>
public sealed class MessageExporter(MessageQueries messages)
{
    public static readonly IReadOnlyList<string> Header =
    [
        "id", "created_at", "channel", "recipient", "network", "sender_id", "source", "status", "message", "encoding", "segments", "cost",
        "sent_at", "delivered_at", "updated_at", "error_code", "error_detail", "campaign_id", "provider_message_id",
    ];

    /// <summary>Writes the header and every matching message; reports the running row count every 1,000 rows.</summary>
    public async Task<int> WriteCsvAsync(Guid organisationId, MessageFilter filter, string? timeZoneId, TextWriter writer,
        Action<int>? progress = null, CancellationToken ct = default)
    {
        await using var csv = CsvCells.CreateWriter(writer);
        foreach (var header in Header)
            csv.WriteField(header);
        await csv.NextRecordAsync();
        var count = 0;
        await foreach (var m in messages.StreamAsync(organisationId, filter, ct))
        {
            csv.WriteField(m.Id);
            csv.WriteField(Time(m.CreatedAt, timeZoneId));
            csv.WriteField(m.Channel.ToApiName());
            csv.WriteField(m.Address);
            csv.WriteField(m.Network.ToApiName());
            csv.WriteField(m.SenderId);
            csv.WriteField(m.Source.ToString().ToLowerInvariant());
            csv.WriteField(m.Status.ApiName());
            csv.WriteField(m.Body);
            csv.WriteField(m.Encoding.ToString().ToLowerInvariant());
            csv.WriteField(m.Segments);
            csv.WriteField(m.Cost.ToString("0.00", CultureInfo.InvariantCulture));
            csv.WriteField(Time(m.SentAt, timeZoneId));
            csv.WriteField(Time(m.DeliveredAt, timeZoneId));
            csv.WriteField(Time(m.UpdatedAt, timeZoneId));
            csv.WriteField(m.ErrorCode);
            csv.WriteField(m.ErrorDetail);
            csv.WriteField(m.CampaignId);
            csv.WriteField(m.ProviderMessageId);
            await csv.NextRecordAsync();
            if (++count % 1000 == 0)
            {
                await csv.FlushAsync();
                progress?.Invoke(count);
            }
        }
        await csv.FlushAsync();
        progress?.Invoke(count);
        return count;
    }

    private static string? Time(DateTime? utc, string? timeZoneId) => OrganisationTime.Iso(utc, timeZoneId);
}
