using System.Net.Http.Json;
using Microsoft.Playwright;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.E2E.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TalkNTalk.E2E.Tests;

/// <summary>An admin wiring the organisation's system to webhooks, against a real receiver on loopback.</summary>
public sealed class WebhookTests
{
    private const string Key = "tk_live_WebHooksExampleKey0123456789abcd";

    [Fact]
    public async Task Admin_adds_an_endpoint_sends_a_test_event_sees_it_in_the_log_and_is_told_when_the_endpoint_is_disabled()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = AppServer.Bootstrapped();
        settings["Webhooks__AllowPrivateTargets"] = "true"; // the receiver is on loopback
        settings["Webhooks__IdleDelayMs"] = "200";
        settings["Bootstrap__ApiKey"] = Key;
        await using var app = await AppServer.StartAsync(settings);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await page.OpenAsync("/");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByText("Webhooks").ClickAsync();
        await page.WaitForURLAsync("**/admin/webhooks");
        await page.WaitForInteractiveAsync();

        // A URL that is not http(s) is refused next to the field.
        await page.GetByLabel("URL").FillAsync("ftp://example.co.ke/hooks");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Expect(page.Locator("[data-field=url]")).ToContainTextAsync("http:// or https://");

        await page.GetByLabel("URL").FillAsync(receiver.Url);
        await page.GetByLabel("Description (optional)").FillAsync("Billing system");
        // The events grid by keyboard: every event of every channel starts ticked; Space on e-mail's "all" clears its row,
        // Tab moves on to its first event (email.sent) and Space ticks it again.
        var emailAll = page.GetByTestId("events-email-all");
        await emailAll.FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(page.GetByTestId("event-email-delivered")).Not.ToBeCheckedAsync();
        await Expect(emailAll).ToHaveAttributeAsync("aria-label", "Every E-mail event");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("event-email-sent")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(page.GetByTestId("event-email-sent")).ToBeCheckedAsync();
        await Expect(emailAll).ToHaveAttributeAsync("aria-label", "Every E-mail event (some are ticked)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var secret = await page.GetByTestId("new-secret").InnerTextAsync();
        Assert.Matches("^whsec_[A-Za-z0-9]{32}$", secret);
        await Expect(page.GetByTestId("endpoints-grid")).ToContainTextAsync("sms.* whatsapp.* telegram.* email.sent slack.*");
        await Screenshots.SaveAsync(page, "admin-webhooks-1366");

        await page.GetByRole(AriaRole.Link, new() { Name = receiver.Url }).ClickAsync();
        await page.WaitForURLAsync("**/admin/webhooks/*");
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send test event" }).ClickAsync();
        var log = page.GetByTestId("deliveries-grid");
        await Expect(log).ToContainTextAsync("webhook.test");
        await Expect(log).ToContainTextAsync("Succeeded");
        await Expect(log).ToContainTextAsync("200 ·");
        var call = Assert.Single(receiver.Calls);
        Assert.Equal("webhook.test", call.Event);
        Assert.True(WebhookVerification.IsFromTalkNTalk(call.Signature, call.Body, secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.Equal("True", await RunReadmePythonAsync(call, secret, "is_from_talkntalk(signature, body, secret)"));
        Assert.Equal("False", await RunReadmePythonAsync(call, secret + "x", "is_from_talkntalk(signature, body, secret)"));
        Assert.Equal($"{call.EventId} webhook.test None", await RunReadmePythonAsync(call, secret, "' '.join(map(str, read_event(body)))"));

        // The receiver goes away for good: a real send's first event disables the endpoint, and every page says so.
        receiver.Answer = _ => (410, null);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        var sent = await http.PostAsJsonAsync("/v1/sms/send-bulk/", new { recipients = new[] { "254712345678" }, message = "Your invoice is ready." });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        await Expect(page.GetByTestId("webhook-notice")).ToContainTextAsync("410 Gone");
        await Expect(page.GetByTestId("disabled-reason")).ToBeVisibleAsync();
        await Expect(log).ToContainTextAsync("sms.sent");
        await Expect(log).ToContainTextAsync("254712345678");
        // TalkNTalk's shape: the event in its header and body, the message in data as the REST API shows it.
        var smsSent = Assert.Single(receiver.Calls, c => c.Event == "sms.sent");
        var data = WebhookVerification.ReadEvent(smsSent.Body).Data!.Value;
        Assert.Equal(("254712345678", "sent", "Your invoice is ready.", "api"),
            (data.GetProperty("mobile").GetString(), data.GetProperty("status").GetString(), data.GetProperty("message").GetString(), data.GetProperty("source").GetString()));
        Assert.Equal("sms.sent 254712345678 sent", await RunReadmePythonAsync(smsSent, secret,
            "(lambda e: f\"{e[1]} {e[2]['mobile']} {e[2]['status']}\")(read_event(body))"));
        await Screenshots.SaveAsync(page, "admin-webhook-endpoint-1366");

        // Filters narrow the log; a wide screen shows the same page.
        await page.GetByLabel("Search deliveries").FillAsync("0712345678");
        await page.GetByLabel("Search deliveries").PressAsync("Enter");
        await Expect(log).Not.ToContainTextAsync("webhook.test");
        var wide = await browser.NewPageAsync(app.BaseUrl, 1920, 1080);
        await wide.Context.AddCookiesAsync([new Cookie { Name = "TalkNTalkTheme", Value = "dark", Url = app.BaseUrl }]);
        await wide.SignInAsync(TestUsers.AdminEmail, TestUsers.AdminPassword);
        await wide.OpenAsync(new Uri(page.Url).AbsolutePath);
        await Expect(wide.GetByTestId("deliveries-grid")).ToContainTextAsync("sms.sent");
        await Screenshots.SaveAsync(wide, "admin-webhook-endpoint-1920-dark");

        // The receiver is fixed; enabling it again clears the notice (and the event that waited goes out).
        receiver.Answer = _ => (200, null);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await Expect(page.GetByTestId("webhook-notice")).ToHaveCountAsync(0);

        // Disabling asks first and says what it means; the page keeps saying it while the endpoint is off.
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("no events are recorded for it");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(page.GetByTestId("disabled-by-admin")).ToContainTextAsync("no events are recorded for it");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await Expect(page.GetByTestId("disabled-by-admin")).ToHaveCountAsync(0);

        // A URL too long to keep is refused with the limit, not cut short.
        await page.GetByLabel("URL").FillAsync(receiver.Url + "?" + new string('x', 2000));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("[data-field=url]")).ToContainTextAsync("Keep the URL to 2000 characters.");

        // Deleting asks first, then the list has no endpoint left.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var deleting = page.GetByRole(AriaRole.Dialog);
        await Expect(deleting).ToContainTextAsync("and its delivery log?");
        await deleting.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/webhooks");
        await Expect(page.GetByTestId("endpoints-grid")).ToContainTextAsync("No endpoints yet");
    }

    // The README's Python functions, cut from the README itself, run by Debian's python3 on a delivery: prints the expression.
    private static async Task<string> RunReadmePythonAsync(ReceivedCall call, string secret, string expression)
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(AppServer.RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("import hashlib, hmac, json, time", StringComparison.Ordinal);
        var functions = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        var body = Path.GetTempFileName();
        await File.WriteAllBytesAsync(body, call.Body);
        try
        {
            var script = functions + "\nimport sys\nsignature, body, secret = sys.argv[1], open(sys.argv[2], 'rb').read(), sys.argv[3]\nprint(" + expression + ")\n";
            using var python = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", script, call.Signature, body, secret])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = await python.StandardOutput.ReadToEndAsync();
            var errors = await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            Assert.True(python.ExitCode == 0, errors);
            return output.Trim();
        }
        finally
        {
            File.Delete(body);
        }
    }
}
