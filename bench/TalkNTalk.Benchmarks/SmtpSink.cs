using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TalkNTalk.Benchmarks;

/// <summary>
/// The least an SMTP server can be: it answers each command at once (Nagle off), counts the messages and keeps nothing.
/// Beside the real SMTP server of the tests it shows what the sending side alone can do.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _messages, _sessions;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Messages => Volatile.Read(ref _messages);
    public int Sessions => Volatile.Read(ref _sessions);

    public SmtpSink()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                client.NoDelay = true;
                Interlocked.Increment(ref _sessions);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = false };
        async Task Say(string text)
        {
            await writer.WriteAsync(text + "\r\n");
            await writer.FlushAsync();
        }
        try
        {
            await Say("220 sink ESMTP");
            var data = false;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (data)
                {
                    if (line == ".")
                    {
                        data = false;
                        Interlocked.Increment(ref _messages);
                        await Say("250 2.0.0 Ok");
                    }
                    continue;
                }
                var command = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (command)
                {
                    case "EHLO":
                        await Say("250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10000000");
                        break;
                    case "DATA":
                        data = true;
                        await Say("354 go on");
                        break;
                    case "QUIT":
                        await Say("221 bye");
                        return;
                    default:
                        await Say("250 Ok");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
