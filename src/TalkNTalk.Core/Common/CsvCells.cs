using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;

namespace TalkNTalk.Core.Common;

/// <summary>
/// The one way the product writes CSV. Every cell, headers included, goes through <see cref="Neutralise"/>, so a
/// contact named <c>=HYPERLINK(…)</c> or a message starting with <c>+cmd|…</c> opens in a spreadsheet as text, never
/// as a formula (OWASP "CSV Injection": prefix a single quote and quote the cell).
/// </summary>
public static partial class CsvCells
{
    /// <summary>The characters a spreadsheet may read as the start of a formula or a DDE command.</summary>
    public static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>A CSV writer (invariant culture, leaves <paramref name="writer"/> open) that neutralises every cell it writes.</summary>
    public static CsvWriter CreateWriter(TextWriter writer) => new NeutralisingCsvWriter(writer);

    /// <summary>
    /// True when a spreadsheet could take the cell for a formula. A plain number such as a ledger's <c>-12.50</c> is not
    /// one (it cannot call anything), so it stays a number people can add up; <c>-1+1</c> or <c>-A1</c> is.
    /// </summary>
    public static bool IsFormula(string? value) =>
        value is { Length: > 0 } && FormulaStarts.Contains(value[0]) && !NegativeNumber().IsMatch(value);

    /// <summary>The cell as written: with a leading single quote when it could be a formula, otherwise unchanged.</summary>
    public static string? Neutralise(string? value) => IsFormula(value) ? "'" + value : value;

    /// <summary>
    /// The inverse, for reading back a file the product wrote (an export re-imported): a quote that
    /// <see cref="Neutralise"/> would have added is taken off again.
    /// </summary>
    public static string? Restore(string? value) =>
        value is { Length: > 1 } && value[0] == '\'' && IsFormula(value[1..]) ? value[1..] : value;

    [GeneratedRegex(@"^-[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NegativeNumber();

    private static readonly CsvConfiguration WriterConfiguration = new(CultureInfo.InvariantCulture)
    {
        // Neutralising is done here, once, in WriteField below; CsvHelper's own sanitising would escape '-12.50' too.
        InjectionOptions = InjectionOptions.None,
    };

    private sealed class NeutralisingCsvWriter(TextWriter writer) : CsvWriter(writer, WriterConfiguration, leaveOpen: true)
    {
        // Every typed WriteField (numbers, Guids, strings) ends up here after conversion to text.
        public override void WriteField(string? field)
        {
            if (IsFormula(field))
                base.WriteField(Neutralise(field)!, shouldQuote: true);
            else
                base.WriteField(field!);
        }
    }
}
