using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;

namespace TalkNTalk.Dashboard.AddressBooks;

public enum ColumnRole { Ignore, Mobile, FirstName, LastName, FullName, Custom }

/// <summary>
/// What each column of an uploaded CSV becomes, as the import page's mapping step edits it: suggested from the
/// preview's headers, one column each for mobile, first, last and full name (choosing one again moves it), any number
/// of custom fields, turned into the importer's <see cref="ColumnMapping"/>.
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
    }

    public ColumnRole this[int column] => roles[column];

    public bool HasMobile => roles.Contains(ColumnRole.Mobile);

    public void Set(int column, ColumnRole role)
    {
        if (role is ColumnRole.Mobile or ColumnRole.FirstName or ColumnRole.LastName or ColumnRole.FullName)
            for (var i = 0; i < roles.Length; i++)
                if (roles[i] == role)
                    roles[i] = ColumnRole.Ignore;
        roles[column] = role;
    }

    /// <summary>The importer's mapping, or null while no column holds the mobile numbers.</summary>
    public ColumnMapping? ToMapping()
    {
        if (Column(ColumnRole.Mobile) is not { } mobile)
            return null;
        var custom = Enumerable.Range(0, roles.Length).Where(i => roles[i] == ColumnRole.Custom)
            .ToDictionary(i => i, i => ContactFields.NormalizeKey(preview.Headers[i]));
        return new ColumnMapping(mobile, Column(ColumnRole.FirstName), Column(ColumnRole.LastName), custom, Column(ColumnRole.FullName));
    }

    private int? Column(ColumnRole role) => Array.IndexOf(roles, role) is var i and >= 0 ? i : null;

    private void Suggest(int? column, ColumnRole role)
    {
        if (column is { } i)
            roles[i] = role;
    }
}
