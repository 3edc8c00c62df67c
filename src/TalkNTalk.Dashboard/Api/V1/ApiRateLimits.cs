using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.RateLimits;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// The API's rate limits, per organisation (the API key's), each over a sliding minute: send-bulk and campaign creation
/// (<c>POST /v1/campaigns/</c>, a bulk send on another channel) 60 together, send 300, and every other endpoint 300,
/// counted per endpoint (<see cref="ApiOptions"/>). The <c>/v1</c> group carries
/// <see cref="Requests"/>; an endpoint with its own limit names its policy, which replaces the group's. Over the limit:
/// 429 <c>rate_limit_exceeded</c> with Retry-After; a count that could not be read (the database not answering):
/// 503 <c>service_unavailable</c>. Each partition is a <see cref="SlidingWindowLimiter"/> over the
/// app's <see cref="RateLimitStore"/>: counted in this process on SQLite, in the database on PostgreSQL, so several
/// instances share one count.
/// </summary>
public static class ApiRateLimits
{
    public const string Requests = "api:requests";
    public const string SendBulk = "api:send-bulk";
    public const string Send = "api:send";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static void Configure(RateLimiterOptions options)
    {
        options.AddPolicy(Requests, http => PerOrganisation(http, Requests, o => o.RequestsPerMinute, perEndpoint: true, "for this endpoint"));
        // One count for both ways of starting a bulk campaign, so a client cannot double its campaigns by alternating.
        options.AddPolicy(SendBulk, http => PerOrganisation(http, SendBulk, o => o.SendBulkPerMinute, perEndpoint: false, "for send-bulk and campaign creation together"));
        options.AddPolicy(Send, http => PerOrganisation(http, Send, o => o.SendPerMinute, perEndpoint: false, "for this endpoint"));
        options.OnRejected = RejectAsync;
    }

    // Callers without an organisation never get this far on an endpoint that needs a key (authorization runs first);
    // the unknown-path answer needs none and is not counted.
    // The key names the policy: in the database the policies' counts sit side by side.
    private static RateLimitPartition<string> PerOrganisation(HttpContext http, string policy, Func<ApiOptions, int> limit, bool perEndpoint, string counted)
    {
        if (http.User.FindFirst(TalkNTalkClaims.OrganisationId)?.Value is not { } organisation)
            return RateLimitPartition.GetNoLimiter("");
        var key = perEndpoint && http.GetEndpoint() is RouteEndpoint endpoint
            ? $"{policy} {organisation} {http.Request.Method} {endpoint.RoutePattern.RawText}"
            : $"{policy} {organisation}";
        var services = http.RequestServices;
        var permits = limit(services.GetRequiredService<IOptions<ApiOptions>>().Value);
        return RateLimitPartition.Get(key, _ => new SlidingWindowLimiter(services.GetRequiredService<RateLimitStore>(),
            new RateLimit(key, permits, Window), services.GetRequiredService<TimeProvider>(), $"{permits} a minute {counted}"));
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        if (context.Lease.TryGetMetadata(SlidingWindowLimiter.Unavailable, out var unavailable) && unavailable)
        {
            await RejectUnavailableAsync(context.HttpContext);
            return;
        }
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var limit = context.Lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) ? $"at most {reason} per organisation" : "too many requests";
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ApiError.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limit_exceeded",
            $"Rate limit exceeded: {limit}. Retry after {seconds} second{(seconds == 1 ? "" : "s")}.");
    }

    /// <summary>How long a client waits when the count could not be read.</summary>
    public const int UnavailableRetrySeconds = 5;

    // The count could not be read (PostgreSQL did not answer): the request is refused, not let through. Failing open
    // would let any client send without limit across the instances for as long as the database is flaky, on the very
    // database that is struggling; and the request's own work needs that database too, so it would mostly turn a clear
    // "nothing was done, retry" into a 500 after which a client cannot tell whether its send happened.
    private static Task RejectUnavailableAsync(HttpContext http)
    {
        http.Response.Headers.RetryAfter = UnavailableRetrySeconds.ToString(CultureInfo.InvariantCulture);
        return ApiError.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, "service_unavailable",
            $"The rate limit could not be checked because the database is not answering; nothing was done. Retry after {UnavailableRetrySeconds} seconds.");
    }
}
