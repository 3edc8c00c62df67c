using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>
/// A process-wide cap on message list reads in flight (<see cref="ApiOptions.MessageReadConcurrency"/>), the rest
/// waiting in order (<see cref="ApiOptions.MessageReadQueue"/>). Each such read keeps a core busy over millions of rows;
/// thirty-two at once took the CPU the dispatcher sends with (1,167 messages/s fell to 150), so sending keeps its share
/// however many clients poll. Beyond the queue: 503 <c>server_busy</c> with Retry-After.
/// </summary>
public sealed class MessageReadGate(IOptions<ApiOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, options.Value.MessageReadConcurrency),
        QueueLimit = Math.Max(0, options.Value.MessageReadQueue),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>The endpoint filter: runs the read when its turn comes.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        using var lease = await http.RequestServices.GetRequiredService<MessageReadGate>()._limiter.AcquireAsync(1, http.RequestAborted);
        if (!lease.IsAcquired)
        {
            http.Response.Headers.RetryAfter = "1";
            return ApiError.Result(StatusCodes.Status503ServiceUnavailable, "server_busy",
                "The server is answering many message lists at once: retry after 1 second.");
        }
        return await next(context);
    }

    public void Dispose() => _limiter.Dispose();
}
