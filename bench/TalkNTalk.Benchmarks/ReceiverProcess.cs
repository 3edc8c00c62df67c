using System.Diagnostics;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// The webhook benchmark's receiver runs as a program of its own, as a receiver does in real life, so that its
/// requests are not served by the thread pool the dispatcher runs on: the benchmark measures what webhooks cost the
/// product, not what hosting their receiver in the same process costs. The child prints its URL, then answers
/// "count" on its standard input with how many calls it has had.
/// </summary>
public sealed class ReceiverProcess : IAsyncDisposable
{
    public const string Mode = "webhook-receiver";
    private readonly Process _process;

    public string Url { get; }

    private ReceiverProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public static async Task<ReceiverProcess> StartAsync()
    {
        var host = Environment.ProcessPath!;
        var start = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new ProcessStartInfo(host, [typeof(ReceiverProcess).Assembly.Location, Mode])
            : new ProcessStartInfo(host, [Mode]);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start)!;
        var url = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The receiver process did not start.");
        return new ReceiverProcess(process, url);
    }

    public async Task<int> CountAsync()
    {
        await _process.StandardInput.WriteLineAsync("count");
        await _process.StandardInput.FlushAsync();
        return int.Parse(await _process.StandardOutput.ReadLineAsync() ?? "0");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    /// <summary>The child's side: serve until standard input closes.</summary>
    public static async Task<int> ServeAsync()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Keep = false;
        Console.WriteLine(receiver.Url);
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == "count")
                Console.WriteLine(receiver.Count);
        }
        return 0;
    }
}
