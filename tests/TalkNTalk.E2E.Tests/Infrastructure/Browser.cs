using Microsoft.Playwright;

namespace TalkNTalk.E2E.Tests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright (Playwright's own browser download is not reachable here).</summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<Browser> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? ChromiumPath;
        if (!File.Exists(executable))
            throw new FileNotFoundException("Chromium is missing: run ./scripts/test.sh, which installs it with apt-get.", executable);
        // Two cores run the app, the browser and the tests at once: give assertions room before calling a failure.
        Assertions.SetDefaultExpectTimeout(15_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>A fresh browser profile (no cookies) with a laptop-sized window.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl, int width = 1366, int height = 768)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>Screenshots land in the test output folder, for people to look at.</summary>
public static class Screenshots
{
    public static string Folder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public static Task SaveAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Folder, $"{name}.png"), FullPage = false });
}
