using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using TalkNTalk.E2E.Tests.Infrastructure;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// The Python polling example of sms-campaign-status.txt, taken from the reference document itself and run
/// unchanged but for the host and the key, against the real app on loopback (Debian's python3-requests).
/// </summary>
public sealed class PythonExampleTests
{
    private const string Key = "tk_live_Py7hOnExAmpLeKeY0123456789abcdef";
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task The_documented_python_polling_example_works_against_the_app()
    {
        var document = Path.Combine(AppServer.RepositoryRoot(), "..", "shared", "reference", "sms-campaign-status.txt");
        Assert.True(File.Exists(document), $"The reference documents are expected beside the repository: {document}");
        var text = await File.ReadAllTextAsync(document);
        var start = text.IndexOf("# Python — poll until completed", StringComparison.Ordinal);
        var end = text.IndexOf("Tip:", start, StringComparison.Ordinal);
        var example = text[start..end].Trim();

        var settings = AppServer.Bootstrapped(credit: 100m);
        settings["Bootstrap__ApiKey"] = Key;
        settings["SimulatedProvider__SubmitLatencyMs"] = "0";
        settings["SimulatedProvider__ReceiptDelayMs"] = "0";
        await using var app = await AppServer.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        var sent = await http.PostAsJsonAsync("/v1/sms/send-bulk/", new { recipients = new[] { "254712345678", "254723456789" }, message = "Your invoice is ready." });
        var campaignId = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("campaign_id").GetString();

        var script = example.Replace("https://api.talkntalk.africa", app.BaseUrl).Replace("tk_live_xxxx", Key)
                     + $"\n\nresult = wait_for_campaign('{campaignId}')\nprint('FINAL', result['status'], result['sent_count'], result['recipients_count'])\n";
        var start_ = new ProcessStartInfo(Python, ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start_)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);

        Assert.True(process.ExitCode == 0, $"python failed:\n{output}\n{errors}");
        Assert.Contains("FINAL completed 2 2", output);
        Assert.Contains("Status: completed | 2/2 sent", output);
    }
}
