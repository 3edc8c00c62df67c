namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>The README's verification snippet is the code the tests verify every event with, not a copy that can drift.</summary>
public sealed class WebhookDocsTests
{
    [Fact]
    public void The_readme_shows_the_tested_csharp_verification_function()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "TalkNTalk.Dashboard.sln")))
            root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("TalkNTalk.Dashboard.sln not found above the test output.");
        var source = File.ReadAllText(Path.Combine(root, "tests", "TalkNTalk.Core.Tests", "Infrastructure", "WebhookReceiver.cs"));
        const string Begin = "// README snippet begins\n", End = "// README snippet ends";
        var start = source.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        var snippet = source[start..source.IndexOf(End, start, StringComparison.Ordinal)];
        var unindented = string.Join('\n', snippet.TrimEnd().Split('\n').Select(line => line.StartsWith("    ", StringComparison.Ordinal) ? line[4..] : line));

        Assert.Contains(unindented, File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n"));
    }
}
