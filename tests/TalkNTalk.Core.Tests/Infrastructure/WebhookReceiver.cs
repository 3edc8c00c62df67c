using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TalkNTalk.Core.Tests.Infrastructure;

/// <summary>One POST the receiver got: the headers a receiver checks, and the body as sent.</summary>
public sealed record ReceivedCall(string EventId, string Event, string Signature, int Attempt, byte[] Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The <c>t=</c> of the signature header: when the attempt was signed, by the sender's clock.</summary>
    public long SignedAt => long.Parse(Signature.Split(',')[0][2..], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A real HTTP receiver (Kestrel on a free loopback port) that records every call and answers what the test says.
/// Shared by the Core tests, the browser tests and the benchmark (linked into those projects).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedCall> _calls = new();

    public string Url { get; }

    /// <summary>The answer to each call: status code and an optional Retry-After value.</summary>
    public Func<ReceivedCall, (int Status, string? RetryAfter)> Answer { get; set; } = _ => (200, null);

    /// <summary>Runs for each call once it is recorded, before it is answered.</summary>
    public Action<ReceivedCall>? OnCall { get; set; }

    /// <summary>Awaited for each call once it is recorded, before it is answered (a slow or silent receiver); the token is the request's abort.</summary>
    public Func<ReceivedCall, CancellationToken, Task>? BeforeAnswer { get; set; }

    /// <summary>When false, calls are answered but not kept (a benchmark receives hundreds of thousands).</summary>
    public bool Keep { get; set; } = true;

    private int _count;

    public int Count => Volatile.Read(ref _count);

    public IReadOnlyList<ReceivedCall> Calls => [.. _calls];

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hooks/{**rest}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var headers = http.Request.Headers;
            var call = new ReceivedCall(headers["X-TalkNTalk-Event-Id"].ToString(), headers["X-TalkNTalk-Event"].ToString(),
                headers["X-TalkNTalk-Signature"].ToString(), int.TryParse(headers["X-TalkNTalk-Attempt"], out var attempt) ? attempt : 0, body.ToArray());
            receiver!.Record(call);
            if (receiver.BeforeAnswer is { } wait)
            {
                try
                {
                    await wait(call, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return; // the sender gave up waiting
                }
            }
            var (status, retryAfter) = receiver.Answer(call);
            if (retryAfter is not null)
                http.Response.Headers.RetryAfter = retryAfter;
            http.Response.StatusCode = status;
            await http.Response.WriteAsync(status < 300 ? "" : $"receiver says {status}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, address.TrimEnd('/') + "/hooks/sms");
        return receiver;
    }

    private void Record(ReceivedCall call)
    {
        if (Keep)
            _calls.Enqueue(call);
        Interlocked.Increment(ref _count);
        OnCall?.Invoke(call);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The verification and parsing snippet of the README ("Webhooks"), word for word, so the documented code is the tested code.</summary>
public static class WebhookVerification
{
    // README snippet begins
    public static bool IsFromTalkNTalk(string signatureHeader, byte[] body, string secret, long nowUnixSeconds, long toleranceSeconds = 300)
    {
        var parts = signatureHeader.Split(',', StringSplitOptions.TrimEntries);
        var t = parts.FirstOrDefault(p => p.StartsWith("t="))?[2..];
        if (!long.TryParse(t, out var signedAt) || Math.Abs(nowUnixSeconds - signedAt) > toleranceSeconds)
            return false; // missing, or too old: a replayed request
        var signed = Encoding.UTF8.GetBytes(t + ".").Concat(body).ToArray();
        var expected = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)).ToLowerInvariant();
        // Several v1= appear while a secret is being rotated: one match is enough.
        return parts.Where(p => p.StartsWith("v1=")).Any(p =>
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(p[3..])));
    }

    // Data: the message as GET /v1/bulk-sms/messages/ shows it, plus campaign_id, error_code and error_detail; null for webhook.test.
    public sealed record TalkNTalkEvent(string Id, string Event, DateTimeOffset Timestamp, JsonElement? Data);

    // Parse only a body whose signature checked out.
    public static TalkNTalkEvent ReadEvent(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var data = root.GetProperty("data");
        return new TalkNTalkEvent(root.GetProperty("id").GetString()!, root.GetProperty("event").GetString()!,
            root.GetProperty("timestamp").GetDateTimeOffset(), data.ValueKind == JsonValueKind.Null ? null : data.Clone());
    }
    // README snippet ends
}
