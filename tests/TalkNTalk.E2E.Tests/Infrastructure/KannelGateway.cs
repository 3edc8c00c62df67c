using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;

namespace TalkNTalk.E2E.Tests.Infrastructure;

/*
 * What Debian's Kannel 1.4.5 (bearerbox + smsbox + fakesmsc, as configured below) does, found by experiment
 * (curl and KannelGatewayTests). The Kannel provider and its callback endpoint rely on these facts.
 *
 * sendsms (GET /cgi-bin/sendsms?username=&password=&from=&to=&text=[&coding=&charset=&dlr-mask=&dlr-url=]):
 *   the body is text/html, one line, no newline; smsbox answers only once bearerbox has acknowledged the message
 *   (202 means bearerbox holds it in its store, not that the SMSC has it). POST with a text/plain body and
 *   X-Kannel-Username / -Password / -To / -From headers answers the same. The dlr-url goes url-encoded as a whole,
 *   its escapes (%d, %A...) written literally inside it before that encoding.
 *   - accepted, an SMSC online:              202  "0: Accepted for delivery"
 *   - accepted, SMSC offline (bearerbox up): 202  "3: Queued for later delivery"   (stored, sent when it reconnects,
 *                                                  its reports follow then)
 *   - bearerbox's queue full (sms-outgoing-queue-limit reached): 503 "Temporal failure, try again later."
 *   - no SMSC may take the number (the fake SMSC's denied-prefix, UnroutablePrefix here):
 *                                            403  "Not routable. Do not try again."  AND, if the dlr-mask has 16,
 *                                                  a type 16 report with %A = "NACK/no SMSC"
 *   - wrong password or unknown username, or none: 403 "Authorization failed for sendsms"
 *   - no `to`:                               400  "Missing receiver number, rejected"
 *   - `to=` empty:                           400  "Empty receiver number not allowed, rejected"
 *   - no `from` (no global-sender set):      400  "Sender missing and no global set, rejected"
 *   - `to` with letters:                     400  "Number(s) has/have been denied by white- and/or black-lists."
 *   - no `text`:                             202  "0: Accepted for delivery" (an empty SMS goes out)
 *   - an unknown path:                       404  "Unknown request."
 *   - bearerbox down: smsbox cannot live without it. A bearerbox stopped cleanly (SIGTERM) tells smsbox to die; a
 *     killed one makes smsbox close its HTTP port, re-exec itself and PANIC ("Couldn't connect to the bearerbox")
 *     about 11 s later. There is no "smsbox up, bearerbox down, queued" state: sendsms is then connection refused
 *     (ECONNREFUSED, no HTTP status at all), exactly as when smsbox is down. smsbox started before bearerbox
 *     listens also PANICs.
 *   - `to` is split on spaces into several recipients (one answer "0: Accepted for delivery" for all), so a raw "+"
 *     in the query is a space: "+2547..." unencoded arrives as "2547..."; "%2B2547..." arrives as "+2547...".
 *     Kannel never de-duplicates: the same request twice is two SMS.
 *
 * Encoding:
 *   - GSM text: coding omitted (0), charset=UTF-8 (or the text as UTF-8): characters GSM cannot carry become "?"
 *     ("😀" -> "????", "—" -> "?"); é and ü pass. fakesmsc prints it raw: "<from> <to> text <text>".
 *   - UCS-2: coding=2&charset=UTF-8 with the text as UTF-8 (url-encoded). fakesmsc prints
 *     "<from> <to> ucs-2 <url-encoded UTF-16BE>" (surrogate pairs intact, e.g. 😀 = %D8%3D%DE%00, 0x20 bytes as "+").
 *     coding=2 WITHOUT charset sends the UTF-8 bytes as if they were UCS-2 (garbage on the phone): always send both.
 *   - Long messages: bearerbox (not smsbox) splits, with an 8-bit-reference concatenation UDH 05 00 03 ref total seq
 *     (ref = a per-bearerbox counter & 0xFF): GSM parts of 153 characters (400 chars -> 153 + 153 + 94), UCS-2 parts of
 *     67 UTF-16 units = 134 bytes (150 "ü" -> 67 + 67 + 16; a surrogate pair may straddle two parts). fakesmsc prints
 *     each part as "<from> <to> udh %05%00%03%05%03%01 data <url-encoded part>" — the line does NOT say whether the
 *     part is GSM or UCS-2 (FakeSmscMessage guesses; see IsProbablyUcs2).
 *   - The sendsms-user's max-messages caps the length silently: with max-messages = 3 a 600-character text became
 *     528 characters (still 202). Here it is 255, so nothing the app sends is cut.
 *   - A newline inside a GSM text breaks fakesmsc's line protocol (the rest arrives as a second "message"); the
 *     parser below glues it back. A real SMSC takes newlines; this is fakesmsc only.
 *
 * Delivery reports (dlr-mask & dlr-url; smsbox GETs the dlr-url with its escapes filled, expects 2xx):
 *   - The fake SMSC produces exactly: 8 (SMSC accepted, %A = "ACK/") and 1 (delivered, %A empty), once each, for
 *     the mask bits asked (dlr-mask=1 -> only 1; 8 -> only 8; 31 -> 1 and 8). Nothing else, ever: it cannot be told
 *     to produce 2 (undelivered), 4 (buffered) or a late report. The only failure it can show is 16 (SMSC reject,
 *     %A = "NACK/no SMSC") for a number no SMSC may take (UnroutablePrefix), which sendsms also answers 403.
 *   - Order is not fixed: a single SMS gave 8 then 1; a 3-part SMS gave 1 then 8 (the 8 waits for the last part).
 *     The app must not move a delivered message back to "sent" on a late 8.
 *   - A long (3-part) message gets ONE report per type, not one per part: bearerbox asks a report for the first
 *     part only and sends one 8 when all parts are out. So the app never needs to tell parts apart; it cannot
 *     anyway (no part number in any escape).
 *   - Escapes seen: %d type (1/8/16); %A "ACK/" | "" | "NACK/no SMSC"; %i smsc-id "fake"; %p the phone (our `to`),
 *     %P our `from` (swapped: it is the report's sender/receiver); %q / %Q same as %p / %P; %n the sendsms
 *     username; %T report time, Unix seconds; %M -1; %k = %A; %B, %o empty.
 *     %F (the SMSC's message id): the first part's internal id on a 1 (and on the 8 of a split message); EMPTY on
 *     the 8 of a single SMS — so %F cannot pair the 8 and the 1 of one message. %I: a fresh UUID per report.
 *   - Duplicates: smsbox retries a report whose GET failed (non-2xx or connection refused) http-request-retry
 *     times, http-queue-delay seconds apart (CallbackRetries here; Kannel's default is 0 = never). A retry is the
 *     SAME URL, same %I. So de-duplicate by (our message id, %d) — put our own id (and a secret) in the dlr-url;
 *     %I only identifies one report instance.
 *   - dlr-storage = internal is memory: a report owed when bearerbox stops is lost. With the fake SMSC reports
 *     come at once, and a message queued while the SMSC is offline asks its report only when it is sent.
 */

/// <summary>Settings of a <see cref="KannelGateway"/> beyond the defaults, for tests that need Kannel to say no.</summary>
public sealed record KannelGatewayOptions
{
    /// <summary>
    /// Numbers starting with this (as sent in <c>to</c>) are refused by the fake SMSC: sendsms answers
    /// 403 "Not routable. Do not try again." and a type 16 report follows; the only failure the fake SMSC can show.
    /// </summary>
    public string UnroutablePrefix { get; init; } = "999";

    /// <summary>bearerbox's sms-outgoing-queue-limit; once that many wait (SMSC offline), sendsms answers 503. -1: none.</summary>
    public int OutgoingQueueLimit { get; init; } = -1;

    /// <summary>smsbox's http-request-retry: how often a report whose GET failed is sent again, 1 s apart (Kannel's default 0).</summary>
    public int CallbackRetries { get; init; }

    /// <summary>
    /// bearerbox's and smsbox's log-level: 0 (debug, the default, for the tests: what Kannel did is in its logs when one
    /// fails), 1 (info, as a gateway in production runs), up to 4 (panics only). At debug level smsbox writes out every
    /// HTTP request and answer.
    /// </summary>
    public int LogLevel { get; init; }

    /// <summary>
    /// The processors bearerbox, smsbox and fakesmsc may run on, as <c>taskset -c</c> takes them ("1", "2-3"); null:
    /// any. For the benchmark, to give Kannel processors of its own.
    /// </summary>
    public string? Cpus { get; init; }
}

/// <summary>How fakesmsc printed a message: the type word of its line.</summary>
public enum FakeSmscType
{
    /// <summary>"text": GSM text, printed raw.</summary>
    Text,
    /// <summary>"ucs-2": url-encoded UTF-16BE.</summary>
    Ucs2,
    /// <summary>"data": url-encoded 8-bit data.</summary>
    Data,
    /// <summary>"udh": url-encoded UDH and url-encoded part (GSM or UCS-2, the line does not say).</summary>
    Udh,
}

/// <summary>The concatenation header of one part: its message's reference, how many parts, which one (1-based).</summary>
public sealed record ConcatenationHeader(int Reference, int Total, int Part);

/// <summary>
/// One message as the fake SMSC got it (for a long SMS: one part). <see cref="Run"/> counts fakesmsc processes
/// (a new one per bearerbox start), <see cref="Number"/> is fakesmsc's own count within that run.
/// </summary>
public sealed record FakeSmscMessage(int Run, int Number, string Sender, string Receiver, FakeSmscType Type, byte[] Udh, byte[] Data, string Line)
{
    public ConcatenationHeader? Concatenation => ParseConcatenation(Udh);

    /// <summary>Whether the bytes are UCS-2: said by the line for "ucs-2", guessed for a UDH part.</summary>
    public bool IsUcs2 => Type == FakeSmscType.Ucs2 || (Type == FakeSmscType.Udh && IsProbablyUcs2(Data));

    /// <summary>The text decoded (UTF-16BE when <see cref="IsUcs2"/>, else UTF-8). A UCS-2 part may end mid surrogate pair: reassemble first.</summary>
    public string Text => IsUcs2 ? Encoding.BigEndianUnicode.GetString(Data) : Encoding.UTF8.GetString(Data);

    /// <summary>
    /// fakesmsc does not say a UDH part's coding. Kannel keeps GSM text as UTF-8, so bytes of even length that are not
    /// valid UTF-8, or hold a control byte (UCS-2 of Latin, Arabic, Cyrillic... has high bytes below 0x20), are UCS-2.
    /// </summary>
    public static bool IsProbablyUcs2(byte[] data)
    {
        if (data.Length == 0 || data.Length % 2 != 0)
            return false;
        if (data.Any(b => b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t'))
            return true;
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data);
            return false;
        }
        catch (DecoderFallbackException)
        {
            return true;
        }
    }

    private static ConcatenationHeader? ParseConcatenation(byte[] udh)
    {
        // UDHL, then information elements: 00 (8-bit reference, length 3) or 08 (16-bit reference, length 4).
        for (var i = 1; i + 1 < udh.Length && i <= udh[0];)
        {
            int id = udh[i], length = udh[i + 1];
            if (i + 2 + length > udh.Length)
                break;
            if (id == 0x00 && length == 3)
                return new ConcatenationHeader(udh[i + 2], udh[i + 3], udh[i + 4]);
            if (id == 0x08 && length == 4)
                return new ConcatenationHeader(udh[i + 2] << 8 | udh[i + 3], udh[i + 4], udh[i + 5]);
            i += 2 + length;
        }
        return null;
    }
}

/// <summary>A message as the phone would show it: its parts joined in order by their concatenation reference.</summary>
public sealed record ReassembledSms(string Sender, string Receiver, IReadOnlyList<FakeSmscMessage> Parts)
{
    /// <summary>Parts expected (1 for a message without concatenation header).</summary>
    public int Total => Parts[0].Concatenation?.Total ?? 1;

    public bool IsComplete => Parts.Count == Total;

    public bool IsUcs2 => Parts.Any(p => p.IsUcs2);

    public string Text
    {
        get
        {
            var bytes = Parts.OrderBy(p => p.Concatenation?.Part ?? 1).SelectMany(p => p.Data).ToArray();
            return IsUcs2 ? Encoding.BigEndianUnicode.GetString(bytes) : Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>Groups parts by sender, receiver and reference; a part number seen again (a reused reference) starts a new message.</summary>
    public static IReadOnlyList<ReassembledSms> From(IEnumerable<FakeSmscMessage> received)
    {
        var result = new List<List<FakeSmscMessage>>();
        var open = new Dictionary<(string, string, int, int), List<FakeSmscMessage>>();
        foreach (var message in received)
        {
            if (message.Concatenation is not { } header)
            {
                result.Add([message]);
                continue;
            }
            var key = (message.Sender, message.Receiver, header.Reference, header.Total);
            if (!open.TryGetValue(key, out var parts) || parts.Any(p => p.Concatenation!.Part == header.Part) || parts.Count == header.Total)
            {
                parts = [];
                open[key] = parts;
                result.Add(parts);
            }
            parts.Add(message);
        }
        return [.. result.Select(parts => new ReassembledSms(parts[0].Sender, parts[0].Receiver, parts))];
    }
}

/// <summary>
/// A real Kannel on loopback: bearerbox with a <c>fake</c> SMSC, Kannel's test fakesmsc connected to it as the
/// operator, and smsbox serving the HTTP sendsms interface. Everything the fake SMSC receives is parsed from
/// fakesmsc's output and kept across restarts. The facts above say what Kannel answers.
/// </summary>
public sealed partial class KannelGateway : IAsyncDisposable
{
    private const string BearerboxPath = "/usr/sbin/bearerbox";
    private const string SmsboxPath = "/usr/sbin/smsbox";
    private const string FakeSmscPath = "/usr/lib/kannel/test/fakesmsc";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly KannelGatewayOptions _options;
    private readonly int _adminPort, _smsboxPort, _fakeSmscPort, _sendSmsPort;
    private readonly string _statusPassword = Secret();
    private readonly List<FakeSmscMessage> _received = [];
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Process? _bearerbox, _smsbox, _fakeSmsc;
    private int _fakeSmscRuns;

    public string Folder { get; }
    public string ConfigPath => Path.Combine(Folder, "kannel.conf");
    public string SendSmsUrl => $"http://127.0.0.1:{_sendSmsPort}/cgi-bin/sendsms";
    public string Username { get; } = "talkntalk";
    public string Password { get; } = Secret();
    public string UnroutablePrefix => _options.UnroutablePrefix;

    /// <summary>bearerbox's status page (plain text): queues, the SMSC and smsbox connections.</summary>
    public string StatusUrl => $"http://127.0.0.1:{_adminPort}/status.txt?password={_statusPassword}";

    /// <summary>Every message (long ones: every part) the fake SMSC got since the start, across restarts, in order.</summary>
    public IReadOnlyList<FakeSmscMessage> Received
    {
        get { lock (_received) return [.. _received]; }
    }

    /// <summary>How many messages (long ones: parts) <see cref="Received"/> holds, without copying them.</summary>
    public int ReceivedCount
    {
        get { lock (_received) return _received.Count; }
    }

    /// <summary>The processor time bearerbox, smsbox and fakesmsc have used since they started (for benchmarks).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            var total = TimeSpan.Zero;
            foreach (var process in new[] { _bearerbox, _smsbox, _fakeSmsc })
            {
                if (process is not { HasExited: false })
                    continue;
                process.Refresh();
                total += process.TotalProcessorTime;
            }
            return total;
        }
    }

    /// <summary><see cref="Received"/> with concatenated parts joined back into messages.</summary>
    public IReadOnlyList<ReassembledSms> ReceivedMessages => ReassembledSms.From(Received);

    /// <summary>What the processes printed; bearerbox.log and smsbox.log in <see cref="Folder"/> hold the detail (at debug level, every request).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private KannelGateway(string folder, KannelGatewayOptions options)
    {
        Folder = folder;
        _options = options;
        (_adminPort, _smsboxPort, _fakeSmscPort, _sendSmsPort) = (FreePort(), FreePort(), FreePort(), FreePort());
    }

    /// <summary>Writes kannel.conf into <paramref name="folder"/> (created if missing) and starts bearerbox, fakesmsc and smsbox.</summary>
    public static async Task<KannelGateway> StartAsync(string folder, KannelGatewayOptions? options = null)
    {
        foreach (var binary in new[] { BearerboxPath, SmsboxPath, FakeSmscPath })
            if (!File.Exists(binary))
                throw new InvalidOperationException(
                    $"Kannel is not installed ({binary} is missing). Run scripts/test.sh, which installs the Debian packages kannel and kannel-extras.");
        Directory.CreateDirectory(folder);
        var gateway = new KannelGateway(Path.GetFullPath(folder), options ?? new KannelGatewayOptions());
        File.WriteAllText(gateway.ConfigPath, gateway.Config());
        try
        {
            await gateway.StartProcessesAsync();
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
        return gateway;
    }

    /// <summary>Stops bearerbox cleanly (SIGTERM), which ends smsbox and fakesmsc too; what fakesmsc got is kept.</summary>
    public async Task StopAsync()
    {
        if (_bearerbox is { HasExited: false })
            Signal(_bearerbox, 15);
        await WaitForExitOrKillAsync(_bearerbox, TimeSpan.FromSeconds(15));
        await WaitForExitOrKillAsync(_smsbox, TimeSpan.FromSeconds(5));
        await WaitForExitOrKillAsync(_fakeSmsc, TimeSpan.FromSeconds(5));
        (_bearerbox, _smsbox, _fakeSmsc) = (null, null, null);
    }

    /// <summary>Starts Kannel again on the same ports, configuration and message store (stopping it first if it runs).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessesAsync();
    }

    /// <summary>Takes the operator away (fakesmsc ends): bearerbox stays up and queues, sendsms answers "3: Queued for later delivery".</summary>
    public async Task DisconnectSmscAsync()
    {
        if (_fakeSmsc is { HasExited: false })
            Signal(_fakeSmsc, 2); // fakesmsc ends cleanly on SIGINT
        await WaitForExitOrKillAsync(_fakeSmsc, TimeSpan.FromSeconds(5));
        _fakeSmsc = null;
        await WaitForStatusAsync("the fake SMSC offline", status => !FakeSmscOnline().IsMatch(status));
    }

    /// <summary>Brings the operator back: a new fakesmsc connects and bearerbox sends what it queued.</summary>
    public Task ConnectSmscAsync() => StartFakeSmscAsync();

    /// <summary>Waits until the fake SMSC has received at least <paramref name="count"/> messages (parts) in all; returns them all.</summary>
    public async Task<IReadOnlyList<FakeSmscMessage>> WaitForReceivedAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (ReceivedCount >= count)
                return Received;
            if (DateTime.UtcNow > deadline)
            {
                var received = Received;
                throw new TimeoutException($"The fake SMSC got {received.Count} messages, not {count}:\n{string.Join('\n', received.Select(m => m.Line))}\n{Output}");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>bearerbox's status page now.</summary>
    public Task<string> StatusAsync() => _http.GetStringAsync(StatusUrl);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { _smsbox, _fakeSmsc, _bearerbox })
        {
            if (process is null)
                continue;
            try
            {
                if (!process.HasExited)
                    process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
            }
            process.Dispose();
        }
        (_bearerbox, _smsbox, _fakeSmsc) = (null, null, null);
        _http.Dispose();
    }

    // bearerbox first (smsbox PANICs without it), then the operator, then smsbox; each waited for on the status page.
    private async Task StartProcessesAsync()
    {
        _bearerbox = Launch(BearerboxPath, "bearerbox", ["-v", "1", ConfigPath]);
        await WaitForStatusAsync("bearerbox running", status => status.Contains("Status: running", StringComparison.Ordinal));
        await StartFakeSmscAsync();
        await LaunchUntilReadyAsync(() => _smsbox = Launch(SmsboxPath, "smsbox", ["-v", "1", ConfigPath]), async smsbox =>
        {
            await WaitForStatusAsync("smsbox connected", status => status.Contains("smsbox:", StringComparison.Ordinal), smsbox);
            await WaitForSendSmsAsync(smsbox);
        });
    }

    private Task StartFakeSmscAsync() => LaunchUntilReadyAsync(() =>
    {
        var run = Interlocked.Increment(ref _fakeSmscRuns);
        // -m 0: send no MO messages, only print what bearerbox sends ("Got message N: <line>", a debug line).
        return _fakeSmsc = Launch(FakeSmscPath, "fakesmsc",
            ["-v", "0", "-H", "127.0.0.1", "-r", _fakeSmscPort.ToString(CultureInfo.InvariantCulture), "-m", "0", "0 0 text unused"],
            line => Parse(run, line));
    }, fakeSmsc => WaitForStatusAsync("the fake SMSC online", status => FakeSmscOnline().IsMatch(status), fakeSmsc));

    // fakesmsc and smsbox PANIC when the bearerbox port they connect to is not listening yet: start them again.
    private static async Task LaunchUntilReadyAsync(Func<Process> launch, Func<Process, Task> ready)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            var process = launch();
            try
            {
                await ready(process);
                return;
            }
            catch (InvalidOperationException) when (process.HasExited && DateTime.UtcNow < deadline)
            {
                process.Dispose();
                await Task.Delay(100);
            }
        }
    }

    private async Task WaitForStatusAsync(string what, Func<string, bool> ready, Process? watched = null)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            foreach (var process in new[] { _bearerbox, watched })
                if (process is { HasExited: true })
                    throw new InvalidOperationException($"Waiting for {what}: {process.StartInfo.FileName} exited with code {process.ExitCode}:\n{Output}");
            try
            {
                if (ready(await StatusAsync()))
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Kannel: no {what} within {StartTimeout.TotalSeconds} s:\n{Output}");
            await Task.Delay(50);
        }
    }

    // smsbox opens its HTTP port before it connects to bearerbox; both must be true before the first send.
    private async Task WaitForSendSmsAsync(Process smsbox)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (smsbox.HasExited)
                throw new InvalidOperationException($"smsbox exited with code {smsbox.ExitCode}:\n{Output}");
            try
            {
                using var response = await _http.GetAsync($"http://127.0.0.1:{_sendSmsPort}/");
                return; // 404 "Unknown request." proves the HTTP side answers
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"smsbox's sendsms port did not answer within {StartTimeout.TotalSeconds} s:\n{Output}");
            await Task.Delay(50);
        }
    }

    private Process Launch(string path, string name, string[] arguments, Action<string>? onLine = null)
    {
        // taskset execs the program, so the process started is Kannel's own (its id, its exit code).
        var start = new ProcessStartInfo(_options.Cpus is null ? path : "taskset", _options.Cpus is null ? arguments : ["-c", _options.Cpus, path, .. arguments])
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // fakesmsc must never wait on the test's console
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}");
        DataReceivedEventHandler handler = (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_output) _output.Append(name).Append(": ").AppendLine(e.Data);
            onLine?.Invoke(e.Data);
        };
        process.OutputDataReceived += handler;
        process.ErrorDataReceived += handler;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // "2026-12-02 07:07:26 [2739] [0] DEBUG: Got message 6: <TNT 2547... udh %05%00%03%05%03%01 data ABC...>"
    private void Parse(int run, string logLine)
    {
        var match = GotMessage().Match(logLine);
        if (!match.Success)
            return;
        var number = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var line = match.Groups[2].Value;
        lock (_received)
        {
            var fields = LineFields().Match(line);
            if (!fields.Success)
            {
                // A newline inside a GSM text: fakesmsc took the rest for another line. Glue it back.
                if (_received.Count > 0 && _received[^1] is { Type: FakeSmscType.Text } previous && previous.Run == run)
                    _received[^1] = previous with { Data = [.. previous.Data, (byte)'\n', .. Encoding.UTF8.GetBytes(line)], Line = previous.Line + "\n" + line };
                return;
            }
            string sender = fields.Groups[1].Value, receiver = fields.Groups[2].Value, rest = fields.Groups[4].Value;
            var message = fields.Groups[3].Value switch
            {
                "text" => new FakeSmscMessage(run, number, sender, receiver, FakeSmscType.Text, [], Encoding.UTF8.GetBytes(rest), line),
                "ucs-2" => new FakeSmscMessage(run, number, sender, receiver, FakeSmscType.Ucs2, [], UrlDecode(rest), line),
                "data" => new FakeSmscMessage(run, number, sender, receiver, FakeSmscType.Data, [], UrlDecode(rest), line),
                _ => UdhMessage(run, number, sender, receiver, rest, line),
            };
            _received.Add(message);
        }
    }

    private static FakeSmscMessage UdhMessage(int run, int number, string sender, string receiver, string rest, string line)
    {
        var parts = rest.Split(' ', 3); // "<udh> data <data>"
        var data = parts.Length == 3 ? UrlDecode(parts[2]) : [];
        return new FakeSmscMessage(run, number, sender, receiver, FakeSmscType.Udh, UrlDecode(parts[0]), data, line);
    }

    // Kannel's octstr_url_encode: %XX for bytes, "+" for a space byte.
    private static byte[] UrlDecode(string encoded) => HttpUtility.UrlDecodeToBytes(encoded, Encoding.ASCII) ?? [];

    private string Config()
    {
        string Quoted(string file) => $"\"{Path.Combine(Folder, file)}\"";
        var config = new StringBuilder();
        config.AppendLine(CultureInfo.InvariantCulture, $"""
            group = core
            admin-port = {_adminPort}
            admin-password = {Secret()}
            status-password = {_statusPassword}
            admin-deny-ip = "*.*.*.*"
            admin-allow-ip = "127.0.0.1"
            smsbox-port = {_smsboxPort}
            box-deny-ip = "*.*.*.*"
            box-allow-ip = "127.0.0.1"
            log-file = {Quoted("bearerbox.log")}
            log-level = {_options.LogLevel}
            access-log = {Quoted("bearerbox-access.log")}
            dlr-storage = internal
            store-type = file
            store-location = {Quoted("bearerbox.store")}
            sms-outgoing-queue-limit = {_options.OutgoingQueueLimit}

            group = smsc
            smsc = fake
            smsc-id = fake
            port = {_fakeSmscPort}
            connect-allow-ip = "127.0.0.1"
            denied-prefix = "{_options.UnroutablePrefix}"

            group = smsbox
            bearerbox-host = 127.0.0.1
            bearerbox-port = {_smsboxPort}
            sendsms-port = {_sendSmsPort}
            sendsms-interface = 127.0.0.1
            log-file = {Quoted("smsbox.log")}
            log-level = {_options.LogLevel}
            access-log = {Quoted("smsbox-access.log")}
            http-request-retry = {_options.CallbackRetries}
            http-queue-delay = 1

            group = sendsms-user
            username = {Username}
            password = {Password}
            user-deny-ip = "*.*.*.*"
            user-allow-ip = "127.0.0.1"
            concatenation = true
            max-messages = 255

            group = sms-service
            keyword = default
            catch-all = true
            max-messages = 0
            text = "unused"
            """);
        return config.ToString();
    }

    private static async Task WaitForExitOrKillAsync(Process? process, TimeSpan timeout)
    {
        if (process is null)
            return;
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private static void Signal(Process process, int signal)
    {
        if (kill(process.Id, signal) != 0)
            process.Kill();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private static string Secret() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"(?:DEBUG|INFO): Got message (\d+): <(.*)>$")]
    private static partial Regex GotMessage();

    [GeneratedRegex(@"^(\S*) (\S*) (text|ucs-2|data|udh) ?(.*)$", RegexOptions.Singleline)]
    private static partial Regex LineFields();

    [GeneratedRegex(@"fake\[fake\]\s+FAKE:\d+ \(online")]
    private static partial Regex FakeSmscOnline();
}
