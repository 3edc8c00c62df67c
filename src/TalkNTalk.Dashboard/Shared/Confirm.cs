using MudBlazor;

namespace TalkNTalk.Dashboard.Shared;

/// <summary>The one confirm before anything destructive or costly: a dialog that names what will happen.</summary>
public static class Confirm
{
    /// <returns>True when the person chose <paramref name="action"/>; false on Cancel, Escape or a click outside.</returns>
    public static async Task<bool> AskAsync(this IDialogService dialogs, string title, string message, string action)
    {
        var result = await dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = title,
            Message = message,
            YesText = action,
            CancelText = "Cancel",
        }, new DialogOptions { CloseOnEscapeKey = true, BackdropClick = true, MaxWidth = MaxWidth.Small });
        return result == true;
    }
}
