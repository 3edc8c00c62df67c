using System.Text.RegularExpressions;

namespace TalkNTalk.E2E.Tests.Infrastructure;

public enum ExampleLanguage { Curl, Node, Python, Php }

/// <summary>One code example as a reference document shows it.</summary>
public sealed record DocumentedExample(string Document, ExampleLanguage Language, int Index, string Code)
{
    public override string ToString() => $"{Document} {Language} #{Index}";
}

/// <summary>
/// The code examples of the reference documents (<c>/work/shared/reference/*.txt</c>), read from the text at test time.
/// The documents are text extracted from web pages: a curl command is a line starting <c>curl</c> with its
/// backslash-continued lines (and the lines of a quoted body); a Node.js, Python or PHP example follows a line naming the language (or starts with a
/// comment naming it, e.g. <c># Python — poll until completed</c>) and runs to the next prose heading.
/// Two repairs undo what the extraction did to some pages, and change no code: a heading glued to the end of the
/// code line before it (<c>console.log(x);Python</c>) goes on its own line, and in a block that lost all its
/// indentation, a Python line ending with <c>:</c> gets its one-line body indented back.
/// </summary>
public static partial class DocumentedExamples
{
    private static readonly string[] GluedHeadings = ["Error Responses", "Response Fields", "With filters:", "Response", "Node.js", "Python", "PHP"];

    public static string ReferenceFolder() => Path.GetFullPath(Path.Combine(AppServer.RepositoryRoot(), "..", "shared", "reference"));

    public static IReadOnlyList<DocumentedExample> Read(string path)
    {
        var document = Path.GetFileNameWithoutExtension(path);
        var lines = Unglue(File.ReadAllLines(path));
        var examples = new List<DocumentedExample>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith("curl ", StringComparison.Ordinal))
            {
                var block = new List<string> { line };
                while ((block[^1].TrimEnd().EndsWith('\\') || InQuotes(string.Join('\n', block))) && i + 1 < lines.Count)
                    block.Add(lines[++i]);
                examples.Add(new(document, ExampleLanguage.Curl, examples.Count, string.Join('\n', block)));
                continue;
            }
            var (language, includeLine) = LanguageOf(line);
            if (language is not { } lang)
                continue;
            var code = new List<string>();
            if (includeLine)
                code.Add(line);
            for (; i + 1 < lines.Count && !IsHeading(lines[i + 1]) && LanguageOf(lines[i + 1]).Language is null; i++)
                code.Add(lines[i + 1]);
            if (lang == ExampleLanguage.Python)
                code = RestorePythonIndentation(code);
            examples.Add(new(document, lang, examples.Count, string.Join('\n', code).Trim()));
        }
        return examples;
    }

    /// <summary>Whether a shell command ends inside a quoted string (a JSON body over several lines), so it goes on.</summary>
    private static bool InQuotes(string command)
    {
        char? quote = null;
        foreach (var c in command)
            quote = quote switch
            {
                null when c is '\'' or '"' => c,
                { } open when c == open => null,
                _ => quote,
            };
        return quote is not null;
    }

    private static (ExampleLanguage? Language, bool IncludeLine) LanguageOf(string line) => line.Trim() switch
    {
        "Node.js" => (ExampleLanguage.Node, false),
        "Python" => (ExampleLanguage.Python, false),
        "PHP" => (ExampleLanguage.Php, false),
        var l when l.StartsWith("// Node.js —", StringComparison.Ordinal) => (ExampleLanguage.Node, true),
        var l when l.StartsWith("# Python —", StringComparison.Ordinal) => (ExampleLanguage.Python, true),
        _ => (null, false),
    };

    /// <summary>Prose between examples: "Tracking your campaign", "Error Responses", "Tip: …". Code always has punctuation.</summary>
    private static bool IsHeading(string line) => Heading().IsMatch(line.Trim()) || line.StartsWith("Tip:", StringComparison.Ordinal);

    [GeneratedRegex(@"^[A-Z][A-Za-z.]*( [A-Za-z]+)*:?$")]
    private static partial Regex Heading();

    private static List<string> Unglue(string[] lines)
    {
        var result = new List<string>();
        foreach (var line in lines)
        {
            var heading = GluedHeadings.FirstOrDefault(h => line.Length > h.Length && line.EndsWith(h, StringComparison.Ordinal)
                                                            && line[^(h.Length + 1)] is ')' or ';' or '"' or '\'' or '}');
            if (heading is null)
                result.Add(line);
            else
                result.AddRange([line[..^heading.Length], heading]);
        }
        return result;
    }

    private static List<string> RestorePythonIndentation(List<string> code)
    {
        if (code.Any(l => l.StartsWith(' ') || l.StartsWith('\t')))
            return code;
        return code.Select((line, i) => i > 0 && code[i - 1].TrimEnd().EndsWith(':') ? "    " + line : line).ToList();
    }
}
