using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TalkNTalk.Core;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.RateLimits;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Api;

/// <summary>The per-organisation limits over a sliding minute, on the app's own clock moved by hand.</summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestApp _app;

    public RateLimitTests() => _app = new TestApp(services: s => s.AddSingleton<TimeProvider>(_time));

    public void Dispose() => _app.Dispose();

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json = "{}") =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task AllAsync(int calls, Func<Task<HttpResponseMessage>> call, HttpStatusCode expected)
    {
        for (var i = 0; i < calls; i++)
            Assert.Equal(expected, (await call()).StatusCode);
    }

    [Fact]
    public async Task Send_bulk_takes_60_calls_in_any_minute_and_then_answers_429_until_the_oldest_call_leaves_the_window()
    {
        var client = await _app.ApiClientAsync(await _app.OrganisationIdAsync());
        await AllAsync(30, () => PostAsync(client, "/v1/sms/send-bulk/"), HttpStatusCode.BadRequest);
        _time.Advance(TimeSpan.FromSeconds(40));
        await AllAsync(30, () => PostAsync(client, "/v1/sms/send-bulk/"), HttpStatusCode.BadRequest);

        var refused = await PostAsync(client, "/v1/sms/send-bulk/");

        // A fixed window would have opened at the minute; the sliding one waits for the first 30 calls to be a minute old.
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/json; charset=utf-8", refused.Content.Headers.ContentType?.ToString());
        var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("rate_limit_exceeded", body.GetProperty("error").GetString());
        Assert.Equal("Rate limit exceeded: at most 60 a minute for send-bulk and campaign creation together per organisation. Retry after 20 seconds.", body.GetProperty("detail").GetString());

        _time.Advance(TimeSpan.FromSeconds(19));
        var still = await PostAsync(client, "/v1/sms/send-bulk/");
        Assert.Equal((HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1)), (still.StatusCode, still.Headers.RetryAfter?.Delta));
        _time.Advance(TimeSpan.FromSeconds(1));
        await AllAsync(30, () => PostAsync(client, "/v1/sms/send-bulk/"), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(client, "/v1/sms/send-bulk/")).StatusCode);
    }

    [Fact]
    public async Task Limits_are_per_organisation_and_other_endpoints_keep_their_own_300()
    {
        var acme = await _app.ApiClientAsync(await _app.OrganisationIdAsync());
        var baraka = await _app.ApiClientAsync(await _app.AddOrganisationAsync("Baraka Sacco", "BARAKA", 10));
        await AllAsync(60, () => PostAsync(acme, "/v1/sms/send-bulk/"), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(acme, "/v1/sms/send-bulk/")).StatusCode);

        // Another organisation, another endpoint (send-group is not send-bulk), another key of the same organisation.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(baraka, "/v1/sms/send-bulk/")).StatusCode);
        await AllAsync(61, () => PostAsync(acme, "/v1/sms/send-group/"), HttpStatusCode.BadRequest);
        var acmeAgain = await _app.ApiClientAsync(await _app.OrganisationIdAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(acmeAgain, "/v1/sms/send-bulk/")).StatusCode);

        await AllAsync(300, () => acme.GetAsync("/v1/address-books/"), HttpStatusCode.OK);
        var refused = await acme.GetAsync("/v1/address-books/");
        Assert.Equal((HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(60)), (refused.StatusCode, refused.Headers.RetryAfter?.Delta));
        Assert.Contains("300 a minute", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(acme, "/v1/sms/campaigns/status/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/bulk-sms/messages/")).StatusCode);
    }

    [Fact]
    public async Task Creating_campaigns_counts_toward_the_same_60_as_send_bulk()
    {
        var client = await _app.ApiClientAsync(await _app.OrganisationIdAsync());
        await AllAsync(30, () => PostAsync(client, "/v1/sms/send-bulk/"), HttpStatusCode.BadRequest);
        await AllAsync(30, () => PostAsync(client, "/v1/campaigns/"), HttpStatusCode.BadRequest);

        var campaign = await PostAsync(client, "/v1/campaigns/");
        var bulk = await PostAsync(client, "/v1/sms/send-bulk/");

        Assert.Equal((HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(60)), (campaign.StatusCode, campaign.Headers.RetryAfter?.Delta));
        Assert.Equal("rate_limit_exceeded", JsonDocument.Parse(await campaign.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, bulk.StatusCode);
        // The other endpoints keep their own count.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/campaigns/")).StatusCode);
    }

    [Fact]
    public async Task A_count_the_database_cannot_give_refuses_the_call_with_503_in_the_apis_error_shape()
    {
        // The PostgreSQL store against a server that is not there: nothing listens on port 1.
        var options = new DbContextOptionsBuilder<TalkNTalkDbContext>();
        CoreServiceCollectionExtensions.ConfigureDb(options, DatabaseOptions.Postgres("Host=127.0.0.1;Port=1;Database=talkntalk;Username=talkntalk;Timeout=5"));
        using var app = new TestApp(services: s => s.AddSingleton<RateLimitStore>(new PostgresRateLimitStore(
            new PooledDbContextFactory<TalkNTalkDbContext>(options.Options), TimeProvider.System, NullLogger<PostgresRateLimitStore>.Instance)));
        var client = await app.ApiClientAsync(await app.OrganisationIdAsync());

        var refused = await PostAsync(client, "/v1/sms/send-bulk/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/json; charset=utf-8", refused.Content.Headers.ContentType?.ToString());
        Assert.Equal("""{"error":"service_unavailable","detail":"The rate limit could not be checked because the database is not answering; nothing was done. Retry after 5 seconds."}""",
            await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/v1/address-books/")).StatusCode);
    }
}
