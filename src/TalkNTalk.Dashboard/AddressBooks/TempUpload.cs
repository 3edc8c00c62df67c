using Microsoft.AspNetCore.Components.Forms;

namespace TalkNTalk.Dashboard.AddressBooks;

/// <summary>
/// An upload kept in a temporary file as the browser streams it in chunks, never whole in memory, reporting how
/// much has arrived. The caller deletes the file.
/// </summary>
public static class TempUpload
{
    public static async Task<string> SaveAsync(IBrowserFile file, long maxBytes, Action<double> percent)
    {
        var path = Path.Combine(Path.GetTempPath(), $"talkntalk-import-{Guid.NewGuid():N}.csv");
        try
        {
            await using var source = file.OpenReadStream(maxBytes);
            await using var target = File.Create(path);
            var buffer = new byte[81920];
            long copied = 0;
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read));
                copied += read;
                percent(Math.Round(100.0 * copied / Math.Max(1, file.Size)));
            }
            return path;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }
}
