using Microsoft.JSInterop;

namespace TalkNTalk.Dashboard.Shell;

/// <summary>Light or dark, and whether that is the person's own choice or follows the system's preference.</summary>
public sealed record ThemeChoice(bool Dark, bool FollowsSystem)
{
    public static readonly ThemeChoice Light = new(false, true);
}

/// <summary>The theme of one page (a circuit or a static render): the layouts read it, the toggle changes it.</summary>
public sealed class ThemeState(ThemeChoice initial)
{
    public ThemeChoice Choice { get; private set; } = initial;

    public bool Dark => Choice.Dark;

    public event Action? Changed;

    /// <summary>The person chose: remember it in the cookie the server reads for the next first render.</summary>
    public async Task ChooseAsync(bool dark, IJSRuntime js)
    {
        Choice = new ThemeChoice(dark, FollowsSystem: false);
        Changed?.Invoke();
        await js.InvokeVoidAsync("talkntalk.rememberTheme", ThemeCookie.Name, dark ? ThemeCookie.Dark : ThemeCookie.Light);
    }

    /// <summary>The system's preference changed (or was first learnt in the browser) while no choice was made.</summary>
    public void FollowSystem(bool dark)
    {
        if (!Choice.FollowsSystem || Choice.Dark == dark)
            return;
        Choice = Choice with { Dark = dark };
        Changed?.Invoke();
    }
}

/// <summary>The cookie that keeps a person's theme across reloads; without it the browser's colour-scheme hint decides.</summary>
public static class ThemeCookie
{
    public const string Name = "TalkNTalkTheme";
    public const string Light = "light";
    public const string Dark = "dark";

    /// <summary>The client hint Chromium sends once asked (Accept-CH), so even a first visit renders in the system's theme.</summary>
    public const string ColourSchemeHint = "Sec-CH-Prefers-Color-Scheme";

    public static ThemeChoice Read(HttpContext? context)
    {
        var request = context?.Request;
        return request?.Cookies[Name] switch
        {
            Dark => new ThemeChoice(true, false),
            Light => new ThemeChoice(false, false),
            _ => new ThemeChoice(request?.Headers[ColourSchemeHint].ToString() == "dark", true),
        };
    }

    /// <summary>Asks the browser for its colour-scheme preference on page requests.</summary>
    public static void AskForColourScheme(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers["Accept-CH"] = ColourSchemeHint;
        headers.Append("Vary", ColourSchemeHint);
        // Critical-CH makes the browser repeat a first GET with the hint, so a first visit does not flash light.
        if (HttpMethods.IsGet(context.Request.Method))
            headers["Critical-CH"] = ColourSchemeHint;
    }
}
