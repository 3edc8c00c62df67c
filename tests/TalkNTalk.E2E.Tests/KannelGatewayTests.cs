using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using TalkNTalk.E2E.Tests.Infrastructure;

namespace TalkNTalk.E2E.Tests;

/// <summary>
/// The Kannel harness on its own: a real bearerbox, smsbox and fakesmsc, driven straight through sendsms, with the
/// delivery reports caught on a loopback listener. These also pin the facts the Kannel provider relies on.
/// </summary>
public sealed class KannelGatewayTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("talkntalk-kannel-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ReportListener _reports = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _reports.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Sends_GSM_UCS2_and_a_three_part_message_and_reports_each_once_per_type()
    {
        await using var kannel = await KannelGateway.StartAsync(_folder);

        await AssertSendAsync(kannel, HttpStatusCode.Accepted, "0: Accepted for delivery", "254700000001", "Habari Wanjiku", report: "short");
        await AssertSendAsync(kannel, HttpStatusCode.Accepted, "0: Accepted for delivery", "+254700000002", "Karibu 😀 — café", ucs2: true, report: "ucs2");
        var longText = string.Concat(Enumerable.Range(0, 400).Select(i => (char)('a' + i % 26)));
        await AssertSendAsync(kannel, HttpStatusCode.Accepted, "0: Accepted for delivery", "254700000003", longText, report: "long");
        // 147 UTF-16 units in UCS-2 parts of 67: the emoji's surrogate pair straddles parts 1 and 2.
        var longUcs2 = new string('ü', 66) + "😀" + string.Concat(Enumerable.Repeat("مرحبا ", 13)) + "—";
        await AssertSendAsync(kannel, HttpStatusCode.Accepted, "0: Accepted for delivery", "254700000004", longUcs2, ucs2: true, report: "longucs2");

        var received = await kannel.WaitForReceivedAsync(8);
        Assert.Equal(("TNT", "254700000001", FakeSmscType.Text, "Habari Wanjiku"), (received[0].Sender, received[0].Receiver, received[0].Type, received[0].Text));
        Assert.Equal(("+254700000002", FakeSmscType.Ucs2, "Karibu 😀 — café"), (received[1].Receiver, received[1].Type, received[1].Text));
        var parts = received.Skip(2).Take(3).ToArray();
        Assert.All(parts, p => Assert.Equal(FakeSmscType.Udh, p.Type));
        Assert.Equal([1, 2, 3], parts.Select(p => p.Concatenation!.Part));
        Assert.Single(parts.Select(p => p.Concatenation!.Reference).Distinct());
        Assert.Equal([153, 153, 94], parts.Select(p => p.Text.Length));
        var messages = kannel.ReceivedMessages;
        Assert.Equal(4, messages.Count);
        Assert.True(messages[2].IsComplete);
        Assert.Equal(longText, messages[2].Text);
        Assert.Equal((3, true, true), (messages[3].Parts.Count, messages[3].IsUcs2, messages[3].IsComplete));
        Assert.Equal([134, 134, 26], messages[3].Parts.Select(p => p.Data.Length));
        Assert.Equal(longUcs2, messages[3].Text);

        // The fake SMSC reports 8 (SMSC accepted) and 1 (delivered) once each, a long message too (not once per part).
        var reports = await _reports.WaitForAsync(8);
        foreach (var id in new[] { "short", "ucs2", "long", "longucs2" })
            Assert.Equal(["1", "8"], reports.Where(r => r["id"] == id).Select(r => r["type"]).Order());
        Assert.All(reports, r => Assert.Equal("fake", r["smsc"]));
        Assert.Equal("ACK/", reports.Single(r => r["id"] == "short" && r["type"] == "8")["answer"]);
        Assert.Equal("", reports.Single(r => r["id"] == "short" && r["type"] == "8")["foreign"]); // %F empty on a single SMS's 8
        Assert.Equal("254700000001", reports.Single(r => r["id"] == "short" && r["type"] == "1")["phone"]); // %p is our `to`
        Assert.Equal(8, reports.Select(r => r["report"]).Distinct().Count()); // %I is new for each report
        Assert.Equal("TNT", reports[0]["from"]);
    }

    [Fact]
    public async Task Restart_keeps_what_the_fake_SMSC_got_and_sends_again_while_a_stopped_Kannel_refuses_the_connection()
    {
        await using var kannel = await KannelGateway.StartAsync(_folder);
        await AssertSendAsync(kannel, HttpStatusCode.Accepted, "0: Accepted for delivery", "254700000011", "before", report: "before");
        await kannel.WaitForReceivedAsync(1);

        await kannel.StopAsync();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetAsync(SendUrl(kannel, "254700000012", "while down")));
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);

        await kannel.RestartAsync();
        await AssertSendAsync(kannel, HttpStatusCode.Accepted, "0: Accepted for delivery", "254700000013", "after", report: "after");
        var received = await kannel.WaitForReceivedAsync(2);
        Assert.Equal([("before", 1), ("after", 2)], received.Select(m => (m.Text, m.Run)));
        var reports = await _reports.WaitForAsync(4);
        Assert.Equal(["1", "8"], reports.Where(r => r["id"] == "after").Select(r => r["type"]).Order());
    }

    [Fact]
    public async Task Answers_refusals_queues_while_the_SMSC_is_away_and_retries_a_failed_report_with_the_same_URL()
    {
        await using var kannel = await KannelGateway.StartAsync(_folder, new KannelGatewayOptions { OutgoingQueueLimit = 2, CallbackRetries = 1 });
        using (var wrong = await _http.GetAsync(SendUrl(kannel, "254700000021", "x").Replace($"password={kannel.Password}", "password=wrong")))
            Assert.Equal((HttpStatusCode.Forbidden, "Authorization failed for sendsms"), (wrong.StatusCode, await wrong.Content.ReadAsStringAsync()));
        using (var noTo = await _http.GetAsync(SendUrl(kannel, "", "x").Replace("&to=", "")))
            Assert.Equal((HttpStatusCode.BadRequest, "Missing receiver number, rejected"), (noTo.StatusCode, await noTo.Content.ReadAsStringAsync()));
        using (var emptyTo = await _http.GetAsync(SendUrl(kannel, "", "x")))
            Assert.Equal((HttpStatusCode.BadRequest, "Empty receiver number not allowed, rejected"), (emptyTo.StatusCode, await emptyTo.Content.ReadAsStringAsync()));
        await AssertSendAsync(kannel, HttpStatusCode.Forbidden, "Not routable. Do not try again.", kannel.UnroutablePrefix + "123456", "x", report: "unroutable");
        var rejected = Assert.Single(await _reports.WaitForAsync(1));
        Assert.Equal(("16", "NACK/no SMSC"), (rejected["type"], rejected["answer"]));

        await kannel.DisconnectSmscAsync();
        await AssertSendAsync(kannel, HttpStatusCode.Accepted, "3: Queued for later delivery", "254700000022", "queued 1", report: "queued1");
        await AssertSendAsync(kannel, HttpStatusCode.Accepted, "3: Queued for later delivery", "254700000023", "queued 2", report: "queued2");
        await AssertSendAsync(kannel, HttpStatusCode.ServiceUnavailable, "Temporal failure, try again later.", "254700000024", "queue full", report: "full");
        Assert.Empty(kannel.Received);

        // The first GET of queued1's delivered report fails: smsbox sends the very same URL again a second later.
        _reports.FailFirst = r => r["id"] == "queued1" && r["type"] == "1";
        await kannel.ConnectSmscAsync();
        Assert.Equal(["queued 1", "queued 2"], (await kannel.WaitForReceivedAsync(2)).Select(m => m.Text));
        var reports = await _reports.WaitForAsync(1 + 4 + 1);
        var delivered = reports.Where(r => r["id"] == "queued1" && r["type"] == "1").ToArray();
        Assert.Equal(2, delivered.Length);
        Assert.Equal(delivered[0].Url, delivered[1].Url);
        Assert.DoesNotContain(reports, r => r["id"] == "full");
    }

    private string SendUrl(KannelGateway kannel, string to, string text, bool ucs2 = false, string? report = null)
    {
        var url = $"{kannel.SendSmsUrl}?username={kannel.Username}&password={kannel.Password}&from=TNT&to={Uri.EscapeDataString(to)}&text={Uri.EscapeDataString(text)}";
        if (ucs2)
            url += "&coding=2&charset=UTF-8";
        if (report is not null)
        {
            var dlrUrl = $"{_reports.Url}dlr?id={report}&type=%d&smsc=%i&report=%I&foreign=%F&answer=%A&phone=%p&from=%P&at=%T";
            url += $"&dlr-mask=31&dlr-url={Uri.EscapeDataString(dlrUrl)}";
        }
        return url;
    }

    private async Task AssertSendAsync(KannelGateway kannel, HttpStatusCode status, string body, string to, string text, bool ucs2 = false, string? report = null)
    {
        using var response = await _http.GetAsync(SendUrl(kannel, to, text, ucs2, report));
        Assert.Equal((status, body), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    /// <summary>The app's callback endpoint in miniature: records every report GET (its query) and answers 200, or 500 once when told.</summary>
    private sealed class ReportListener : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<Report> _reports = new();
        private readonly ConcurrentDictionary<string, bool> _failed = new();

        public string Url { get; }

        public Func<Report, bool> FailFirst { get; set; } = _ => false;

        public ReportListener()
        {
            for (var attempt = 0; ; attempt++)
            {
                var port = FreePort();
                Url = $"http://127.0.0.1:{port}/";
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(Url);
                try
                {
                    _listener.Start();
                    break;
                }
                catch (HttpListenerException) when (attempt < 5)
                {
                }
            }
            _ = Task.Run(ServeAsync);
        }

        public async Task<IReadOnlyList<Report>> WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (_reports.Count < count && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            await Task.Delay(300); // a report more than expected would show here
            var reports = _reports.ToArray();
            Assert.True(reports.Length == count, $"{reports.Length} reports, not {count}:\n{string.Join('\n', reports.Select(r => r.Url))}");
            return reports;
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                var query = context.Request.QueryString;
                var report = new Report(context.Request.RawUrl ?? "", query.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => query[k] ?? ""));
                _reports.Enqueue(report);
                context.Response.StatusCode = FailFirst(report) && _failed.TryAdd(report.Url, true) ? 500 : 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    private sealed record Report(string Url, IReadOnlyDictionary<string, string> Query)
    {
        public string this[string key] => Query.TryGetValue(key, out var value) ? value : "";
    }
}
