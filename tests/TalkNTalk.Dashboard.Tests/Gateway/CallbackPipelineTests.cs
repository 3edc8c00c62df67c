using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Providers;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Gateway;

/// <summary>
/// What the gateways' callbacks get from the pipeline: a gateway, not a browser, reads them, so they carry `nosniff`
/// and none of the pages' headers, and first run does not send them to /setup. Anything else under /callbacks that
/// ends in the not-found page is a page again.
/// </summary>
public sealed class CallbackPipelineTests
{
    private static readonly HashSet<string> CallbackHeaders = new(StringComparer.OrdinalIgnoreCase) { "X-Content-Type-Options", "Date" };

    [Fact]
    public async Task Every_callback_answer_carries_nosniff_and_no_page_header()
    {
        using var app = new TestApp();
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });
        var links = app.Service<SmsCallbacks>();
        var kannel = links.KannelReportUrl(Guid.NewGuid()).Replace(links.BaseUrl, "", StringComparison.Ordinal);
        var africasTalking = links.AfricasTalkingReportUrl.Replace(links.BaseUrl, "", StringComparison.Ordinal);

        var answers = new List<(string What, HttpResponseMessage Answer, HttpStatusCode Expected)>
        {
            ("Kannel, intermediate", await http.GetAsync(kannel + "?type=8&at=1764662400&answer=ACK%2F"), HttpStatusCode.OK),
            ("Kannel, final", await http.GetAsync(kannel + "?type=1&at=1764662400&answer="), HttpStatusCode.OK),
            ("Kannel, malformed", await http.GetAsync(kannel + "?type=delivered"), HttpStatusCode.BadRequest),
            ("Kannel, wrong token", await http.GetAsync($"/callbacks/kannel/{Guid.NewGuid():N}/forged?type=1"), HttpStatusCode.Forbidden),
            ("Africa's Talking, not a form", await http.PostAsync(africasTalking, new StringContent("{}")), HttpStatusCode.BadRequest),
            ("Africa's Talking, wrong token", await http.PostAsync("/callbacks/africastalking/forged", new FormUrlEncodedContent([])), HttpStatusCode.Forbidden),
        };

        foreach (var (what, answer, expected) in answers)
        {
            Assert.True(expected == answer.StatusCode, $"{what}: {answer.StatusCode}");
            Assert.Equal("text/plain", answer.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", string.Join(",", answer.Headers.GetValues("X-Content-Type-Options")));
            var extra = answer.Headers.Select(h => h.Key).Where(name => !CallbackHeaders.Contains(name)).ToList();
            Assert.True(extra.Count == 0, $"{what} carries {string.Join(", ", extra)}");
        }
    }

    [Fact]
    public async Task A_report_the_inbox_could_not_keep_is_503_so_the_gateway_sends_it_again()
    {
        using var app = new TestApp(services: services => services.AddSingleton<IDeliveryReceiptSink, FailingInbox>());
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });
        var links = app.Service<SmsCallbacks>();
        var kannel = links.KannelReportUrl(Guid.NewGuid()).Replace(links.BaseUrl, "", StringComparison.Ordinal);
        var africasTalking = links.AfricasTalkingReportUrl.Replace(links.BaseUrl, "", StringComparison.Ordinal);

        var answers = new[]
        {
            await http.GetAsync(kannel + "?type=1&at=1764662400&answer="),
            await http.PostAsync(africasTalking, new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "ATXid_1", ["status"] = "Success" })),
        };

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), answer.Headers.RetryAfter?.Delta);
            Assert.Equal("nosniff", string.Join(",", answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Contains("send it again", await answer.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Before_the_first_admin_exists_a_callback_is_answered_not_sent_to_setup()
    {
        using var app = new TestApp(bootstrap: false);
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });

        var page = await http.GetAsync("/account/login");
        var callback = await http.GetAsync($"/callbacks/kannel/{Guid.NewGuid():N}/forged?type=1");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode); // first run is on
        Assert.Equal(HttpStatusCode.Forbidden, callback.StatusCode);
    }

    [Fact]
    public async Task An_unknown_path_under_callbacks_is_the_not_found_page_with_the_page_headers()
    {
        using var app = new TestApp();

        var answer = await app.CreateClient().GetAsync("/callbacks/no-such-gateway");

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.StartsWith("default-src 'self'; script-src 'self' 'nonce-", string.Join(",", answer.Headers.GetValues("Content-Security-Policy")));
    }

    private sealed class FailingInbox : IDeliveryReceiptSink
    {
        public Task PostAsync(IReadOnlyList<DeliveryReceipt> receipts, CancellationToken ct = default) =>
            Task.FromException(new InvalidOperationException("SQLite Error 13: 'database or disk is full'."));
    }
}
