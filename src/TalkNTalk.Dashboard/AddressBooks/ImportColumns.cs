using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;

namespace TalkNTalk.Dashboard.AddressBooks;

public enum ColumnRole { Ignore, Mobile, Email, TelegramChatId, SlackUserId, FirstName, LastName, FullName, Custom }

/// <summary>
/// What each column of an uploaded CSV becomes, as the import page's mapping step edits it: suggested from the
/// preview's headers, one column each for each address (mobile, e-mail, Telegram, Slack) and for first, last and full
/// name (choosing one again moves it), any number of custom fields, turned into the importer's <see cref="ColumnMapping"/>.
/// </summary>
public sealed class ImportColumns
{
    private readonly CsvPreview preview;
    private readonly ColumnRole[] roles;

    public ImportColumns(CsvPreview preview)
    {
        this.preview = preview;
        roles = new ColumnRole[preview.Headers.Count];
        Suggest(preview.SuggestedMobileColumn, ColumnRole.Mobile);
        Suggest(preview.SuggestedFirstNameColumn, ColumnRole.FirstName);
        Suggest(preview.SuggestedLastNameColumn, ColumnRole.LastName);
        Suggest(preview.SuggestedFullNameColumn, ColumnRole.FullName);
        Suggest(preview.SuggestedEmailColumn, ColumnRole.Email);
        Suggest(preview.SuggestedTelegramColumn, ColumnRole.TelegramChatId);
        Suggest(preview.SuggestedSlackColumn, ColumnRole.SlackUserId);
    }

    public ColumnRole this[int column] => roles[column];

    /// <summary>A column holds an address: the import can start.</summary>
    public bool HasAddress => Addresses.Any(roles.Contains);

    private static readonly ColumnRole[] Addresses = [ColumnRole.Mobile, ColumnRole.Email, ColumnRole.TelegramChatId, ColumnRole.SlackUserId];

    public void Set(int column, ColumnRole role)
    {
        if (role is not (ColumnRole.Ignore or ColumnRole.Custom))
            for (var i = 0; i < roles.Length; i++)
                if (roles[i] == role)
                    roles[i] = ColumnRole.Ignore;
        roles[column] = role;
    }

    /// <summary>The importer's mapping, or null while no column holds an address.</summary>
    public ColumnMapping? ToMapping()
    {
        if (!HasAddress)
            return null;
        var custom = Enumerable.Range(0, roles.Length).Where(i => roles[i] == ColumnRole.Custom)
            .ToDictionary(i => i, i => ContactFields.NormalizeKey(preview.Headers[i]));
        return new ColumnMapping(Column(ColumnRole.Mobile) ?? -1, Column(ColumnRole.FirstName), Column(ColumnRole.LastName), custom, Column(ColumnRole.FullName),
            Column(ColumnRole.Email), Column(ColumnRole.TelegramChatId), Column(ColumnRole.SlackUserId));
    }

    private int? Column(ColumnRole role) => Array.IndexOf(roles, role) is var i and >= 0 ? i : null;

    private void Suggest(int? column, ColumnRole role)
    {
        if (column is { } i)
            roles[i] = role;
    }
}
