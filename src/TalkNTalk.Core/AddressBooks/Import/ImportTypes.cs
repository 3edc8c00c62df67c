namespace TalkNTalk.Core.AddressBooks.Import;

/// <summary>Limits of a CSV import (section <c>Import</c>).</summary>
public sealed class ImportOptions
{
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;
    public int MaxRowCharacters { get; set; } = 10_000;
}

/// <summary>The first rows of a file, and the columns that look like mobile and names.</summary>
public sealed record CsvPreview(
    char Delimiter,
    IReadOnlyList<string> Headers,
    IReadOnlyList<IReadOnlyList<string>> Rows,
    int? SuggestedMobileColumn,
    int? SuggestedFirstNameColumn,
    int? SuggestedLastNameColumn,
    int? SuggestedFullNameColumn = null,
    int? SuggestedEmailColumn = null,
    int? SuggestedTelegramColumn = null,
    int? SuggestedSlackColumn = null);

/// <summary>
/// Which column holds what (0-based; <see cref="MobileColumn"/> -1 for none). At least one address column is mapped.
/// Custom field keys are normalised placeholder names. A full-name column is split into first and last name; a first-
/// or last-name column, where mapped too, wins for its part.
/// </summary>
public sealed record ColumnMapping(int MobileColumn, int? FirstNameColumn, int? LastNameColumn, IReadOnlyDictionary<int, string> CustomFieldColumns, int? FullNameColumn = null,
    int? EmailColumn = null, int? TelegramColumn = null, int? SlackColumn = null);

public sealed record ImportProgress(long BytesRead, long TotalBytes, int RowsRead);

/// <summary>A row the import could not use: its line in the file, the value, and why.</summary>
public sealed record InvalidRow(int Line, string Value, string Reason);

public sealed record ImportReport(int Rows, int Imported, int Updated, int DuplicatesInFile, int AlreadyInBook, IReadOnlyList<InvalidRow> Invalid)
{
    /// <summary>True when the book is exactly as before (a re-import of the same file).</summary>
    public bool ChangedNothing => Imported == 0 && Updated == 0;
}

/// <summary>What <see cref="ContactImporter.UpsertAsync"/> did: contacts added, updated and already as given, each taken one, and the refused ones.</summary>
public sealed record ContactUpsertReport(int Created, int Updated, int Unchanged, IReadOnlyList<ContactUpserted> Taken, IReadOnlyList<ContactRejected> Rejected);

/// <summary>A contact of the call that is in the book now: its position in the call, its id, and <c>created</c>, <c>updated</c> or <c>unchanged</c>.</summary>
public sealed record ContactUpserted(int Index, long ContactId, string Outcome);

/// <summary>A contact of the call that was not taken: its position, the input field at fault (null for the whole contact), a code and why.</summary>
public sealed record ContactRejected(int Index, string? Field, string Error, string Detail);
