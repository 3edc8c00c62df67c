using System.Text.Json;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Core.Webhooks;

/// <summary>
/// What an event says, built from its outbox row so that every attempt sends the same body: the message as it stood at
/// the event (its status and <c>UpdatedAt</c> are the event's, its error only on a failure), or null for a test event.
/// </summary>
public sealed record WebhookEvent(string EventId, string EventType, DateTime OccurredAt, MessageView? Message);

/// <summary>
/// The JSON body receivers get, TalkNTalk's shape (documented in the README, "Webhooks"):
/// <c>{"id", "event", "timestamp", "data"}</c>, where <c>data</c> is the message exactly as <c>GET /v1/bulk-sms/messages/</c>
/// shows it (<see cref="MessageJson"/>, with its <c>channel</c> and <c>address</c>: <c>mobile</c> and <c>network</c> are null
/// on e-mail, Telegram and Slack) plus <c>campaign_id</c>, <c>error_code</c> and <c>error_detail</c>. Every channel's
/// events have this one shape, signature and set of headers; only <c>event</c> names the channel.
/// </summary>
public static class WebhookPayload
{
    /// <summary>UTF-8 JSON; times in the organisation's zone with their offset, as the REST API writes them.</summary>
    public static byte[] Serialize(WebhookEvent e, string timeZoneId)
    {
        using var buffer = new MemoryStream(640);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("id", e.EventId);
            json.WriteString("event", e.EventType);
            json.WriteString("timestamp", OrganisationTime.Iso(e.OccurredAt, timeZoneId));
            if (e.Message is not { } message)
            {
                json.WriteNull("data");
            }
            else
            {
                json.WriteStartObject("data");
                // The API's fields, written by the API's own mapping, then ours beside them.
                foreach (var field in JsonSerializer.SerializeToElement(MessageJson.From(message, timeZoneId)).EnumerateObject())
                    field.WriteTo(json);
                json.WriteString("campaign_id", message.CampaignId);
                WriteNullable(json, "error_code", message.ErrorCode);
                WriteNullable(json, "error_detail", message.ErrorDetail);
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
