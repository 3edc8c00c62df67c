using Microsoft.Playwright;

namespace TalkNTalk.E2E.Tests.Infrastructure;

public static class PageExtensions
{
    /// <summary>Waits until the Blazor circuit is connected, so clicks reach the server.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
    }

    /// <summary>
    /// Chooses a file in the import page's file input. Blazor wires an input file up by script after it renders, so
    /// a file set in that instant is lost: choose it again until the page shows the preview or a file error.
    /// </summary>
    public static async Task UploadCsvAsync(this IPage page, FilePayload file)
    {
        var outcome = page.Locator("[data-testid=preview], [data-field=file]");
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByTestId("csv-file").SetInputFilesAsync(file);
            try
            {
                await outcome.First.WaitForAsync(new() { Timeout = 5_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Navigates within the dashboard and waits for it to be live.</summary>
    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();
    }
}
