using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;

namespace TalkNTalk.Dashboard.Compose;

/// <summary>
/// A WhatsApp send by approved template, as compose builds it: whether the person chose a template rather than text,
/// which one, and the value typed for each of its <c>{{n}}</c> (merge tags allowed: each recipient's are filled in).
/// </summary>
public sealed class TemplateDraft
{
    public bool Use { get; set; }
    public WhatsAppTemplateView? Template { get; private set; }
    public string[] Parameters { get; private set; } = [];

    /// <summary>The parameter the person typed in last: where a merge tag button inserts.</summary>
    public int LastEdited { get; private set; }

    /// <summary>Takes another template; the values typed so far stay where the new one has the same parameter.</summary>
    public void Choose(WhatsAppTemplateView? template)
    {
        var values = new string[template?.ParameterCount ?? 0];
        for (var i = 0; i < values.Length; i++)
            values[i] = i < Parameters.Length ? Parameters[i] : "";
        (Template, Parameters, LastEdited) = (template, values, 0);
    }

    public void Set(int index, string? value)
    {
        Parameters[index] = value ?? "";
        LastEdited = index;
    }

    /// <summary>Adds a merge tag to the parameter last typed in.</summary>
    public void Insert(string tag)
    {
        if (Parameters.Length == 0)
            return;
        var current = Parameters[LastEdited];
        Parameters[LastEdited] = (current.Length > 0 && !current.EndsWith(' ') ? current + " " : current) + tag;
    }

    /// <summary>The template as the send takes it; null until one is chosen.</summary>
    public WhatsAppTemplate? ToTemplate() => Template is { } chosen ? new WhatsAppTemplate(chosen.Name, chosen.Language, Parameters) : null;

    /// <summary>What the template still lacks before it can go, or null.</summary>
    public string? Problem => Template is null ? "Choose one of your approved templates."
        : Parameters.Any(string.IsNullOrWhiteSpace) ? $"Fill every parameter of {Template.Name}: WhatsApp refuses an empty one."
        : null;

    /// <summary>
    /// The body as the sample recipient reads it: the template's text with their parameters (from Core's quote, merge
    /// tags filled in) in place, and a parameter still empty shown as its <c>{{n}}</c>.
    /// </summary>
    public string Preview(SendQuote quote) =>
        Template is not { } chosen ? ""
        : chosen.Render(WhatsAppTemplate.TryParse(quote.Body, out var personalised)
            ? [.. personalised.Parameters.Select((value, i) => value.Length == 0 ? $"{{{{{i + 1}}}}}" : value)]
            : []);

    /// <summary>Starts from a stored template body (a duplicated campaign), if that template is still registered.</summary>
    public bool TryRestore(string body, IReadOnlyList<WhatsAppTemplateView> templates)
    {
        if (!WhatsAppTemplate.TryParse(body, out var stored)
            || templates.FirstOrDefault(t => t.Name == stored.Name && t.Language == stored.Language) is not { } template)
            return false;
        Parameters = [.. stored.Parameters];
        Choose(template);
        Use = true;
        return true;
    }
}
