using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TalkNTalk.Core.Tests.Infrastructure;

/// <summary>One request a loopback peer received: method, path, query string, headers, and the body as sent.</summary>
public sealed record PeerCall(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>What a loopback peer answers: a status, a body (JSON when it starts with <c>{</c>) and an optional <c>Retry-After</c>.</summary>
public sealed record PeerAnswer(int Status, string Body, string? RetryAfter = null);

/// <summary>
/// Kestrel on a free loopback port that stands in for a provider's HTTP API (Telegram, Slack, WhatsApp Cloud, Africa's
/// Talking): it records
/// every request and answers what the test says, so the providers' real HTTP, JSON and headers are exercised. Linked
/// into the Dashboard tests.
/// </summary>
public sealed class LoopbackPeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<PeerCall> _calls = new();
    private bool _disposed;

    public string Url { get; }

    public Func<PeerCall, PeerAnswer> Answer { get; set; } = _ => new PeerAnswer(500, "not set");

    /// <summary>Awaited before each answer (a peer that does not answer in time); the token is the request's abort.</summary>
    public Func<CancellationToken, Task>? BeforeAnswer { get; set; }

    public IReadOnlyList<PeerCall> Calls => [.. _calls];

    private LoopbackPeer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<LoopbackPeer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LoopbackPeer? peer = null;
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var call = new PeerCall(http.Request.Method, http.Request.Path, http.Request.QueryString.Value ?? "", headers, body);
            peer!._calls.Enqueue(call);
            if (peer.BeforeAnswer is { } wait)
            {
                try
                {
                    await wait(http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            var answer = peer.Answer(call);
            http.Response.StatusCode = answer.Status;
            if (answer.RetryAfter is not null)
                http.Response.Headers.RetryAfter = answer.RetryAfter;
            http.Response.ContentType = answer.Body.StartsWith('{') ? "application/json; charset=utf-8" : "text/html";
            await http.Response.WriteAsync(answer.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        peer = new LoopbackPeer(app, address.TrimEnd('/'));
        return peer;
    }

    /// <summary>The address of a peer that is gone: nothing listens there any more (a refused connection).</summary>
    public static async Task<string> ClosedUrlAsync()
    {
        var peer = await StartAsync();
        var url = peer.Url;
        await peer.DisposeAsync();
        return url;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
