using System.Globalization;
using System.Text.Json;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Core.Webhooks;

/// <summary>What an event says, taken from its outbox row, so every attempt of an event sends the same body.</summary>
public sealed record WebhookEvent(string EventId, string EventType, DateTime OccurredAt, Guid? MessageId, Guid? CampaignId, string? Mobile,
    MessageStatus? Status, string? ErrorCode, string? ErrorDetail);

/// <summary>The JSON body receivers get (documented in the README, "Webhooks").</summary>
public static class WebhookPayload
{
    /// <summary>UTF-8 JSON; times in the organisation's zone with their offset, as the REST API writes them.</summary>
    public static byte[] Serialize(WebhookEvent e, string timeZoneId)
    {
        using var buffer = new MemoryStream(320);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", e.EventId);
            json.WriteString("event", e.EventType);
            json.WriteString("timestamp", OrganisationTime.ToLocal(e.OccurredAt, timeZoneId).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
            WriteNullable(json, "message_id", e.MessageId?.ToString());
            WriteNullable(json, "campaign_id", e.CampaignId?.ToString());
            WriteNullable(json, "mobile", e.Mobile);
            WriteNullable(json, "status", e.Status?.ApiName());
            if (e.ErrorCode is null && e.ErrorDetail is null)
            {
                json.WriteNull("error");
            }
            else
            {
                json.WriteStartObject("error");
                WriteNullable(json, "code", e.ErrorCode);
                WriteNullable(json, "detail", e.ErrorDetail);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, value);
    }
}
