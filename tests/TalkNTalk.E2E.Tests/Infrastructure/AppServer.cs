using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TalkNTalk.E2E.Tests.Infrastructure;

/// <summary>
/// The real dashboard, started as its own process from its build output on a free loopback port with a fresh
/// SQLite file in a temporary folder. Environment variables configure it exactly as an operator would.
/// </summary>
public sealed class AppServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _ownsData;

    public string BaseUrl { get; }
    public int Port => new Uri(BaseUrl).Port;

    /// <summary>The app's process id: with the machine's name, how the instance names itself in <c>app_instances</c>.</summary>
    public int ProcessId => _process.Id;
    public string DataFolder { get; }
    public string DatabasePath => Path.Combine(DataFolder, "talkntalk.db");

    private AppServer(Process process, string baseUrl, string dataFolder, bool ownsData)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataFolder = dataFolder;
        _ownsData = ownsData;
    }

    /// <summary>What the app printed so far; handy in assertion messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="dataFolder">An existing data folder (a restart of an earlier process on the same database), kept on dispose.</param>
    /// <param name="port">A port to listen on (a restart on the same address, for callbacks that name it); default a free one.</param>
    public static async Task<AppServer> StartAsync(IDictionary<string, string>? environment = null, string? dataFolder = null, int? port = null)
    {
        var ownsData = dataFolder is null;
        dataFolder ??= Directory.CreateTempSubdirectory("talkntalk-e2e-").FullName;
        port ??= FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var executable = DashboardExecutable();
        var start = new ProcessStartInfo(executable, ["--urls", baseUrl])
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Path"] = Path.Combine(dataFolder, "talkntalk.db");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}");
        var server = new AppServer(process, baseUrl, dataFolder, ownsData);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilHealthyAsync();
        return server;
    }

    /// <summary>Bootstrap settings for an app that starts with an organisation, an admin and credit.</summary>
    public static Dictionary<string, string> Bootstrapped(string organisation = "Acme Kenya", decimal credit = 1000m) => new()
    {
        ["Bootstrap__OrganisationName"] = organisation,
        ["Bootstrap__DefaultSenderId"] = "ACMEKE",
        ["Bootstrap__AdminName"] = "Wanjiku Admin",
        ["Bootstrap__AdminEmail"] = TestUsers.AdminEmail,
        ["Bootstrap__AdminPassword"] = TestUsers.AdminPassword,
        ["Bootstrap__OpeningCredit"] = credit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // The simulated provider fails 1% of submissions by default: a test that counts sends must not meet one by chance.
        ["SimulatedProvider__FailureRate"] = "0",
    };

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync($"{BaseUrl}/healthz")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The app did not answer /healthz within 60 s:\n{Output}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The test runs from tests/TalkNTalk.E2E.Tests/bin/<config>/<tfm>/<rid>/; the app was built to the same
    // relative folder under src/TalkNTalk.Dashboard.
    private static string DashboardExecutable()
    {
        var root = RepositoryRoot();
        var relative = Path.GetRelativePath(Path.Combine(root, "tests", "TalkNTalk.E2E.Tests"), AppContext.BaseDirectory);
        var folder = Path.Combine(root, "src", "TalkNTalk.Dashboard", relative);
        var executable = Path.Combine(folder, OperatingSystem.IsWindows() ? "TalkNTalk.Dashboard.exe" : "TalkNTalk.Dashboard");
        return File.Exists(executable) ? executable : throw new FileNotFoundException("Build the solution first: the dashboard executable is missing.", executable);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TalkNTalk.Dashboard.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("TalkNTalk.Dashboard.sln not found above the test output folder.");
    }

    /// <summary>A client of this app's REST API with a key (one the Bootstrap__ApiKey setting created).</summary>
    public HttpClient ApiClient(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>Sends a campaign through <c>POST /v1/sms/send-bulk/</c> with a key; its id.</summary>
    public async Task<string> SendBulkAsync(string key, string[] recipients, string message)
    {
        using var http = ApiClient(key);
        var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(http, "/v1/sms/send-bulk/", new { recipients, message });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("campaign_id").GetString()!;
    }

    /// <summary>POSTs a JSON body to the REST API with a key and checks the status; the answer.</summary>
    public async Task<System.Text.Json.JsonElement> PostAsync(string key, string path, object body, HttpStatusCode expected)
    {
        using var http = ApiClient(key);
        var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(http, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// An SMS campaign through the multi-channel API as a client system makes one: a new address book of the numbers
    /// (the contacts API's 10,000 a call), then <c>POST /v1/campaigns/</c> to it from the bootstrap's sender ID; its id.
    /// </summary>
    public async Task<Guid> SendToNewBookAsync(string key, string name, IReadOnlyCollection<string> numbers, string message)
    {
        var book = await PostAsync(key, "/v1/address-books/", new { name = $"{name} recipients" }, HttpStatusCode.Created);
        var bookId = book.GetProperty("id").GetString();
        foreach (var chunk in numbers.Chunk(10_000))
            await PostAsync(key, $"/v1/address-books/{bookId}/contacts/", new { contacts = chunk.Select(n => new { mobile = n }) }, HttpStatusCode.OK);
        var campaign = await PostAsync(key, "/v1/campaigns/", new { name, channel = "sms", contact_list_id = bookId, sender_id = "ACMEKE", body = message },
            HttpStatusCode.Created);
        Assert.Equal(numbers.Count, campaign.GetProperty("recipients_count").GetInt32());
        return Guid.Parse(campaign.GetProperty("id").GetString()!["cmp_".Length..]);
    }

    /// <summary>SIGKILL, as a crash or <c>kill -9</c> would: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        if (!_ownsData)
            return;
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class TestUsers
{
    public const string AdminEmail = "admin@acme.co.ke";
    public const string AdminPassword = "correct-horse-7";
}
