using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TalkNTalk.E2E.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// Every curl, Node.js, Python and PHP example of the reference documents, and every curl example of the dashboard's
/// REST API page, taken from the documents (and the rendered page) at test time and run against the real app on
/// loopback with only the host and the key changed — plus, as a user would, the placeholder ids replaced by real ones:
/// an address book's id in the send-to-address-book curl, a campaign's id in the campaign-status curl and the page's
/// <c>&lt;campaign_id&gt;</c> and <c>&lt;contact_id&gt;</c>. The polling examples define a function; the test calls it, as their reader would.
/// One app process serves them all. Needs node, curl, PHP's CLI with curl and Python's requests (scripts/test.sh
/// installs them with apt-get).
/// </summary>
public sealed partial class DocumentedExampleTests(ITestOutputHelper output)
{
    private const string Key = "tk_live_D0cumentedExampLes0123456789abcd";
    private const string DocumentHost = "https://api.talkntalk.africa";

    // What each document's examples print when they work: a change to a document that breaks one fails here.
    private static readonly Dictionary<string, Dictionary<ExampleLanguage, string>> Expected = new()
    {
        ["sms-send-bulk"] = new()
        {
            [ExampleLanguage.Curl] = "\"queued\":\\s*2,", [ExampleLanguage.Node] = "Queued: 3/3",
            [ExampleLanguage.Python] = "Queued: 3/3", [ExampleLanguage.Php] = "Queued: 2/2",
        },
        ["sms-send-to-address-book"] = new()
        {
            [ExampleLanguage.Curl] = "\"status\":\\s*\"queued\"", [ExampleLanguage.Node] = "Queued 2 messages — cost KES \\d",
            [ExampleLanguage.Python] = "Queued 2 messages \\| KES \\d", [ExampleLanguage.Php] = "Queued 2 messages \\| KES \\d",
        },
        ["sms-campaign-status"] = new()
        {
            [ExampleLanguage.Curl] = "\"status\":\\s*\"completed\"", [ExampleLanguage.Node] = "Status: completed \\| 2/2 sent\\s+FINAL completed 2 2",
            [ExampleLanguage.Python] = "Status: completed \\| 2/2 sent\\s+FINAL completed 2 2",
        },
        ["bulk-sms-fetch-messages"] = new()
        {
            [ExampleLanguage.Curl] = "\"results\":\\s*\\[\\{", [ExampleLanguage.Node] = "\\d+ messages across \\d+ pages",
            [ExampleLanguage.Python] = "2547\\d{8} delivered", [ExampleLanguage.Php] = "2547\\d{8} — (delivered|sent)",
        },
    };

    [Fact]
    public async Task Every_documented_example_runs_unchanged_against_the_app()
    {
        var settings = AppServer.Bootstrapped(credit: 1000m);
        settings["Bootstrap__ApiKey"] = Key;
        // The examples send as TALKNTALK: the organisation's approved default sender ID here.
        settings["Bootstrap__DefaultSenderId"] = "TALKNTALK";
        settings["SimulatedProvider__SubmitLatencyMs"] = "0";
        settings["SimulatedProvider__ReceiptDelayMs"] = "0";
        settings["SimulatedProvider__NonDeliveryRate"] = "0";
        await using var app = await AppServer.StartAsync(settings);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        var bookId = await SeedBookAsync(page);
        using var http = app.ApiClient(Key);

        var failures = new List<string>();
        var ran = new Dictionary<string, int>();
        async Task RunAsync(string name, ExampleLanguage language, string code, string expected)
        {
            var (exit, stdout, stderr) = await ExecuteAsync(language, code);
            ran[$"{language}"] = ran.GetValueOrDefault($"{language}") + 1;
            var problems = new List<string>();
            if (exit != 0)
                problems.Add($"exit {exit}");
            if (!Regex.IsMatch(stdout, expected))
                problems.Add($"output does not match /{expected}/");
            if (Regex.IsMatch(stdout + stderr, "\"error\"|Warning|Failed|Traceback|Error:"))
                problems.Add("it printed an error");
            output.WriteLine($"{name}: exit {exit}, {stdout.Trim()[..Math.Min(stdout.Trim().Length, 160)].ReplaceLineEndings(" ")}");
            if (problems.Count > 0)
                failures.Add($"{name}: {string.Join(", ", problems)}\n--- code\n{code}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        }

        // The reference documents (the multi-channel one has no example left in its text: the page below covers its endpoints).
        var documents = Directory.GetFiles(DocumentedExamples.ReferenceFolder(), "*.txt")
            .Where(f => Path.GetFileName(f) != "campaigns-multichannel.txt")
            .OrderBy(f => Array.IndexOf(Expected.Keys.ToArray(), Path.GetFileNameWithoutExtension(f)))
            .ToList();
        string? campaignId = null;
        foreach (var document in documents)
        {
            var name = Path.GetFileNameWithoutExtension(document);
            Assert.True(Expected.TryGetValue(name, out var expected), $"{name}.txt is new: say what its examples print in {nameof(Expected)}.");
            if (name == "sms-campaign-status")
                campaignId = await CompletedCampaignAsync(http);
            var examples = DocumentedExamples.Read(document);
            Assert.NotEmpty(examples);
            foreach (var example in examples)
            {
                var code = Regex.Replace(example.Code.Replace(DocumentHost, app.BaseUrl), "tk_live_x+", Key);
                code = name switch
                {
                    // The placeholder ids, replaced by real ones.
                    "sms-send-to-address-book" => Uuid().Replace(code, bookId),
                    "sms-campaign-status" => Uuid().Replace(code, campaignId!) + Call(example.Language, campaignId!),
                    _ => code,
                };
                Assert.True(expected!.TryGetValue(example.Language, out var pattern), $"{example}: no expected output for {example.Language}.");
                await RunAsync(example.ToString(), example.Language, code, pattern!);
            }
        }

        // The dashboard's REST API page, as its reader sees it: this server's URL and a book with contacts already in.
        campaignId ??= await CompletedCampaignAsync(http);
        // The contact the opt-out and delete examples act on, as a reader would pick one of their own (with an e-mail address).
        var added = await http.PostAsJsonAsync($"/v1/address-books/{bookId}/contacts/", new { contacts = new[] { new { email = "examples@example.co.ke" } } });
        var contactId = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("results")[0].GetProperty("id").GetInt64().ToString();
        await page.OpenAsync("/api");
        var endpoints = page.GetByTestId("api-endpoint");
        await Expect(endpoints.First).ToBeVisibleAsync();
        foreach (var endpoint in await endpoints.AllAsync())
        {
            var name = $"/api page: {await endpoint.GetAttributeAsync("data-method")} {await endpoint.GetAttributeAsync("data-path")}";
            var curl = (await endpoint.GetByTestId("api-example").TextContentAsync())!;
            Assert.Contains(app.BaseUrl, curl);
            curl = Regex.Replace(curl, "tk_live_x+", Key).Replace("<campaign_id>", campaignId).Replace("<contact_id>", contactId);
            // A delete answers 204 with no body: its example prints the status instead.
            await RunAsync(name, ExampleLanguage.Curl, curl, name.StartsWith("/api page: DELETE", StringComparison.Ordinal) ? "^204\\s*$" : "^\\{");
        }

        // The copy button puts the example on the clipboard, through the policy's allowed scripts (no inline handler).
        var csp = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (csp) csp.Add(message.Text);
        };
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = app.BaseUrl });
        var sendGroup = page.Locator("[data-testid=api-endpoint][data-path='/v1/sms/send-group/']");
        await sendGroup.GetByTestId("api-example-copy").ClickAsync();
        await Expect(sendGroup.GetByTestId("api-example-copy")).ToContainTextAsync("Copied");
        Assert.Equal(await sendGroup.GetByTestId("api-example").TextContentAsync(), await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        Assert.Empty(csp);

        output.WriteLine("Examples run: " + string.Join(", ", ran.Select(r => $"{r.Key} {r.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} example(s) failed:\n\n{string.Join("\n\n", failures)}\n\nApp output:\n{app.Output}");
        Assert.True(ran.GetValueOrDefault("Curl") >= 5 + 20 && ran.GetValueOrDefault("Node") >= 4 && ran.GetValueOrDefault("Python") >= 4 && ran.GetValueOrDefault("Php") >= 3,
            "Fewer examples than the documents hold: " + string.Join(", ", ran));
    }

    // The polling examples define a function; their reader calls it with the campaign_id a send answered.
    private static string Call(ExampleLanguage language, string campaignId) => language switch
    {
        ExampleLanguage.Node => $"\n\nconst result = await waitForCampaign('{campaignId}');\nconsole.log('FINAL', result.status, result.sent_count, result.recipients_count);\n",
        ExampleLanguage.Python => $"\n\nresult = wait_for_campaign('{campaignId}')\nprint('FINAL', result['status'], result['sent_count'], result['recipients_count'])\n",
        _ => "",
    };

    /// <summary>An address book of two customers, imported from CSV in the dashboard.</summary>
    private static async Task<string> SeedBookAsync(IPage page)
    {
        await page.OpenAsync("/address-books");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create your first address book" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Customers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Import CSV" }).ClickAsync();
        await page.WaitForInteractiveAsync();
        await page.UploadCsvAsync(new FilePayload { Name = "customers.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("mobile,first_name\n0712 000 001,Amina\n0712 000 002,Baraka\n") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("report-imported")).ToHaveTextAsync("2");
        var id = Regex.Match(page.Url, "/address-books/([0-9a-f-]{36})").Groups[1].Value;
        Assert.True(id.Length == 36, $"Expected the book's id in the import page's address: {page.Url}");
        return id;
    }

    /// <summary>A two-recipient campaign, sent and waited for, so the status and messages examples have one to show.</summary>
    private static async Task<string> CompletedCampaignAsync(HttpClient http)
    {
        var sent = await http.PostAsJsonAsync("/v1/sms/send-bulk/", new { recipients = new[] { "254712345678", "254723456789" }, message = "Your invoice is ready." });
        var campaignId = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("campaign_id").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await http.PostAsJsonAsync("/v1/sms/campaigns/status/", new { campaign_id = campaignId });
            var body = JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement;
            if (body.GetProperty("status").GetString() == "completed")
                return campaignId;
            Assert.True(DateTime.UtcNow < deadline, $"The campaign did not complete within 60 s: {body}");
            await Task.Delay(200);
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> ExecuteAsync(ExampleLanguage language, string code)
    {
        var (file, args) = language switch
        {
            ExampleLanguage.Curl => ("/bin/sh", new[] { "-c", code }),
            // Top-level await, as the examples use it, needs an ES module.
            ExampleLanguage.Node => ("node", new[] { "--input-type=module", "-e", code }),
            ExampleLanguage.Python => ("/usr/bin/python3", new[] { "-c", code }),
            // The examples are PHP code without the opening tag: exactly what php -r runs.
            ExampleLanguage.Php => ("php", new[] { "-r", code }),
            _ => throw new ArgumentOutOfRangeException(nameof(language)),
        };
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, await stdout, await stderr + "\n(killed after 60 s)");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
