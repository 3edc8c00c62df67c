using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Channels.WhatsApp;

/// <summary>
/// A message template Meta approved for the organisation's WhatsApp business account, registered here so compose can
/// offer it and a send can be checked before anything is queued: its name, language and body with <c>{{1}}</c>,
/// <c>{{2}}</c>… for its parameters.
/// </summary>
public sealed class WhatsAppTemplateDefinition
{
    public const int MaxBodyLength = 1_024;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }

    /// <summary>As WhatsApp Manager shows it: lower-case letters, digits and underscores.</summary>
    public required string Name { get; set; }

    /// <summary>The approved language's code: <c>en</c>, <c>en_US</c>, <c>sw</c>.</summary>
    public required string Language { get; set; }

    /// <summary>The body as approved, with <c>{{1}}</c>… where its parameters go.</summary>
    public required string Body { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed record WhatsAppTemplateView(Guid Id, string Name, string Language, string Body, int ParameterCount)
{
    /// <summary>The body with the parameters in place of <c>{{1}}</c>, <c>{{2}}</c>…; missing ones stay as they are.</summary>
    public string Render(IReadOnlyList<string> parameters) => WhatsAppTemplates.Render(Body, parameters);
}

/// <summary>The organisation's approved WhatsApp templates: registered, listed, removed, and checked against a send.</summary>
public sealed partial class WhatsAppTemplates(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<WhatsAppTemplateView>> ListAsync(Guid organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.WhatsAppTemplates.AsNoTracking().Where(t => t.OrganisationId == organisationId)
            .OrderBy(t => t.Name).ThenBy(t => t.Language).ToListAsync(ct);
        return rows.Select(ToView).ToList();
    }

    /// <summary>Registers a template Meta approved; the same name and language twice is refused.</summary>
    public async Task<WhatsAppTemplateView> AddAsync(Guid organisationId, string? name, string? language, string? body, CancellationToken ct = default)
    {
        var cleanName = name?.Trim() ?? "";
        var cleanLanguage = language?.Trim() ?? "";
        var cleanBody = body?.Trim() ?? "";
        if (!NamePattern().IsMatch(cleanName))
            throw DomainException.Validation("name", "Name the template as WhatsApp Manager shows it: lower-case letters, digits and underscores, e.g. order_update.");
        if (!LanguagePattern().IsMatch(cleanLanguage))
            throw DomainException.Validation("language", "Give the template's language code as approved, e.g. en, en_US or sw.");
        if (cleanBody.Length == 0)
            throw DomainException.Validation("body", "Paste the template's body as approved, with {{1}}, {{2}}… where its parameters go.");
        if (cleanBody.Length > WhatsAppTemplateDefinition.MaxBodyLength)
            throw DomainException.Validation("body", $"A template's body is at most {WhatsAppTemplateDefinition.MaxBodyLength:N0} characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WhatsAppTemplates.AnyAsync(t => t.OrganisationId == organisationId && t.Name == cleanName && t.Language == cleanLanguage, ct))
            throw DomainException.Validation("name", $"Template {cleanName} ({cleanLanguage}) is already registered.");
        var row = new WhatsAppTemplateDefinition
        {
            OrganisationId = organisationId, Name = cleanName, Language = cleanLanguage, Body = cleanBody, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.WhatsAppTemplates.Add(row);
        await db.SaveChangesAsync(ct);
        return ToView(row);
    }

    public async Task DeleteAsync(Guid organisationId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WhatsAppTemplates.Where(t => t.OrganisationId == organisationId && t.Id == id).ExecuteDeleteAsync(ct) == 0)
            throw DomainException.NotFound("Template");
    }

    /// <summary>
    /// Checks a send's template against the registered ones: it exists in that language and gets exactly its number of
    /// parameters. Throws a validation error on the <c>template</c> field otherwise.
    /// </summary>
    public async Task<WhatsAppTemplateView> CheckAsync(Guid organisationId, WhatsAppTemplate template, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.WhatsAppTemplates.AsNoTracking()
            .SingleOrDefaultAsync(t => t.OrganisationId == organisationId && t.Name == template.Name && t.Language == template.Language, ct)
            ?? throw DomainException.Validation("template", $"Template {template.Name} ({template.Language}) is not one of your approved templates: an admin registers them under Admin › Sender IDs › WhatsApp.");
        var view = ToView(row);
        if (view.ParameterCount != template.Parameters.Count)
            throw DomainException.Validation("template", $"Template {template.Name} takes {view.ParameterCount} parameter{(view.ParameterCount == 1 ? "" : "s")}; {template.Parameters.Count} {(template.Parameters.Count == 1 ? "was" : "were")} given.");
        return view;
    }

    /// <summary>The body with parameters in place of <c>{{n}}</c>.</summary>
    public static string Render(string body, IReadOnlyList<string> parameters) =>
        PlaceholderPattern().Replace(body, m => int.Parse(m.Groups[1].Value) is var n && n >= 1 && n <= parameters.Count ? parameters[n - 1] : m.Value);

    /// <summary>How many parameters a body takes: its highest <c>{{n}}</c>.</summary>
    public static int ParameterCount(string body) =>
        PlaceholderPattern().Matches(body).Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(0).Max();

    private static WhatsAppTemplateView ToView(WhatsAppTemplateDefinition t) => new(t.Id, t.Name, t.Language, t.Body, ParameterCount(t.Body));

    [GeneratedRegex("^[a-z0-9_]{1,512}$")]
    internal static partial Regex NamePattern();

    [GeneratedRegex("^[a-z]{2,3}(_[A-Z]{2})?$")]
    internal static partial Regex LanguagePattern();

    [GeneratedRegex(@"\{\{([0-9]{1,2})\}\}")]
    private static partial Regex PlaceholderPattern();
}
