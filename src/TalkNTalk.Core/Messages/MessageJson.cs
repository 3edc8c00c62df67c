using System.Text.Json.Serialization;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Messages;

/// <summary>
/// A message as <c>GET /v1/bulk-sms/messages/</c> shows it (bulk-sms-fetch-messages.txt): the one mapping the API's
/// message lists and the webhooks' <c>data</c> share, so a receiver reads the same fields and values in both. The names
/// are fixed here, whatever naming policy serialises it; times are in the organisation's zone with their offset.
/// <c>channel</c> and <c>address</c> ride along: <c>mobile</c> is the number on SMS and WhatsApp and null on the other
/// channels, whose recipient only <c>address</c> names.
/// </summary>
public sealed record MessageJson(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("mobile")] string? Mobile,
    [property: JsonPropertyName("sender_id")] string SenderId,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("network")] string? Network,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("scheduled_at")] string? ScheduledAt,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("address")] string Address)
{
    public static MessageJson From(MessageView m, string? timeZoneId) => new(
        m.Id,
        m.Channel.UsesMobile() ? m.Address : null,
        m.SenderId,
        m.Body,
        m.Status.ApiName(),
        m.Channel.UsesMobile() ? m.Network.ToApiName() : null,
        m.Source.ToString().ToLowerInvariant(),
        OrganisationTime.Iso(m.ScheduledAt, timeZoneId),
        OrganisationTime.Iso(m.CreatedAt, timeZoneId)!,
        OrganisationTime.Iso(m.UpdatedAt, timeZoneId)!,
        m.Channel.ToApiName(),
        m.Address);
}
