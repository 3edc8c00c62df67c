using System.Text.Json;
using System.Text.Json.Serialization;

namespace TalkNTalk.Core.Channels;

/// <summary>
/// A WhatsApp message template approved by Meta: its name, language and the values of its body's <c>{{1}}</c>,
/// <c>{{2}}</c>… A template message's body is stored as this JSON (parameters personalised per recipient), which the
/// WhatsApp provider sends as a <c>template</c> message and pages show through <see cref="Describe"/>.
/// </summary>
public sealed record WhatsAppTemplate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("parameters")] IReadOnlyList<string> Parameters)
{
    private const string Marker = "{\"template\":";

    /// <summary>The stored body: <c>{"template":{"name":…,"language":…,"parameters":[…]}}</c>.</summary>
    public string ToBody() => Marker + JsonSerializer.Serialize(this) + "}";

    /// <summary>Reads a stored body written by <see cref="ToBody"/>; false for a plain text body.</summary>
    public static bool TryParse(string body, out WhatsAppTemplate template)
    {
        template = null!;
        if (!body.StartsWith(Marker, StringComparison.Ordinal))
            return false;
        try
        {
            using var document = JsonDocument.Parse(body);
            var parsed = document.RootElement.GetProperty("template").Deserialize<WhatsAppTemplate>();
            if (parsed is null)
                return false;
            template = parsed with { Parameters = parsed.Parameters ?? [] };
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>How people read it: <c>Template order_update (en): Wanjiku · 4411</c>.</summary>
    public string Describe() => $"Template {Name} ({Language})" + (Parameters.Count == 0 ? "" : ": " + string.Join(" · ", Parameters));

    /// <summary>A stored body as people read it: a template described, any other text as it is.</summary>
    public static string Display(string body) => TryParse(body, out var template) ? template.Describe() : body;
}
