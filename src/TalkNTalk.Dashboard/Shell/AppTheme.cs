using MudBlazor;

namespace TalkNTalk.Dashboard.Shell;

/// <summary>
/// TalkNTalk's colours for MudBlazor, light and dark. Every text colour here keeps at least 4.5:1 against the surface
/// it sits on (WCAG AA); the status colours are the same ones the badges and charts use.
/// </summary>
public static class AppTheme
{
    public const string Brand = "#0b7a4b";

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = Brand,
            PrimaryDarken = "#086039",
            PrimaryLighten = "#2e9a68",
            Secondary = "#7a5b00",
            Tertiary = "#1d5fa8",
            Info = "#0b63b6",
            Success = "#1b6e3a",
            Warning = "#8a5300",
            Error = "#b3261e",
            AppbarBackground = Brand,
            AppbarText = "#ffffff",
            Background = "#f6f7f9",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "rgba(0,0,0,0.87)",
            DrawerIcon = "rgba(0,0,0,0.70)",
            TextPrimary = "rgba(0,0,0,0.87)",
            TextSecondary = "rgba(0,0,0,0.68)",
            ActionDefault = "rgba(0,0,0,0.68)",
            TableLines = "rgba(0,0,0,0.10)",
            LinesDefault = "rgba(0,0,0,0.14)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#4cc38a",
            PrimaryDarken = "#36a672",
            PrimaryLighten = "#7dd8ab",
            PrimaryContrastText = "#06281a",
            Secondary = "#f2c94c",
            Tertiary = "#8ab4f8",
            Info = "#7ab8f5",
            Success = "#6fd69b",
            Warning = "#ffb74d",
            Error = "#ff8a80",
            AppbarBackground = "#12171c",
            AppbarText = "#e8eaed",
            Background = "#0f1317",
            Surface = "#1a2027",
            DrawerBackground = "#151a20",
            DrawerText = "#e8eaed",
            DrawerIcon = "#c4c9cf",
            TextPrimary = "#e8eaed",
            TextSecondary = "#b7bdc4",
            ActionDefault = "#c4c9cf",
            TableLines = "rgba(255,255,255,0.12)",
            LinesDefault = "rgba(255,255,255,0.16)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Inter", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"] },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "240px", DefaultBorderRadius = "8px" },
    };
}
