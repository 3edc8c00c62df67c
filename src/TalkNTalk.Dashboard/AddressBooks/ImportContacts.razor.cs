using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.AddressBooks.Import;
using TalkNTalk.Core.Common;
using TalkNTalk.Dashboard.AddressBooks;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.AddressBooks;

/// <summary>Upload a CSV, map its columns, import with progress, read the report.</summary>
public partial class ImportContacts
{
    private enum Step { Choose, Map, Importing, Done }

    private enum ColumnRole { Ignore, Mobile, FirstName, LastName, FullName, Custom }

    [Parameter] public Guid BookId { get; set; }
    [Inject] private AddressBookService Books { get; set; } = default!;
    [Inject] private ContactImporter Importer { get; set; } = default!;
    [Inject] private ImportReportStore Reports { get; set; } = default!;
    [Inject] private IOptions<ImportOptions> Options { get; set; } = default!;

    private AddressBookSummary? book;
    private bool notFound;
    private Step step = Step.Choose;
    private readonly FormErrors errors = new();
    private string? uploadPath;
    private string? fileName;
    private bool uploading;
    private double uploadPercent;
    private CsvPreview? preview;
    private ColumnRole[] roles = [];
    private double importPercent;
    private int rowsRead;
    private CancellationTokenSource? importCancel;
    private ImportReport? report;
    private Guid? invalidRowsId;

    private long MaxMegabytes => Options.Value.MaxFileBytes / (1024 * 1024);

    protected override async Task OnOrganisationReadyAsync()
    {
        try
        {
            book = await Books.GetAsync(OrganisationId, BookId);
        }
        catch (DomainException e) when (e.Code == "not_found")
        {
            notFound = true;
        }
    }

    private async Task UploadAsync(InputFileChangeEventArgs e)
    {
        errors.Clear();
        var file = e.File;
        if (file.Size > Options.Value.MaxFileBytes)
        {
            errors.Add("file", $"{file.Name} is {file.Size / (1024.0 * 1024):N1} MB; the limit is {MaxMegabytes} MB. Split it into smaller files.");
            return;
        }
        if (file.Size == 0)
        {
            errors.Add("file", $"{file.Name} is empty: choose a CSV file with a header row and contacts.");
            return;
        }
        uploading = true;
        DeleteUpload();
        uploadPath = Path.Combine(Path.GetTempPath(), $"talkntalk-import-{Guid.NewGuid():N}.csv");
        fileName = file.Name;
        try
        {
            // The browser streams the file to the server in chunks; keep it in a temp file, never whole in memory.
            await using (var source = file.OpenReadStream(Options.Value.MaxFileBytes))
            await using (var target = File.Create(uploadPath))
            {
                var buffer = new byte[81920];
                long copied = 0;
                int read;
                while ((read = await source.ReadAsync(buffer)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read));
                    copied += read;
                    uploadPercent = Math.Round(100.0 * copied / file.Size);
                    StateHasChanged();
                }
            }
            await using var stream = File.OpenRead(uploadPath);
            preview = await Importer.PreviewAsync(stream);
            roles = SuggestRoles(preview);
            step = Step.Map;
        }
        catch (DomainException error)
        {
            errors.Add("file", error.Message);
            DeleteUpload();
        }
        catch (IOException error)
        {
            errors.Add("file", $"The upload did not finish ({error.Message}). Try again.");
            DeleteUpload();
        }
        finally
        {
            uploading = false;
        }
    }

    private static ColumnRole[] SuggestRoles(CsvPreview preview)
    {
        var suggested = new ColumnRole[preview.Headers.Count];
        if (preview.SuggestedMobileColumn is { } mobile)
            suggested[mobile] = ColumnRole.Mobile;
        if (preview.SuggestedFirstNameColumn is { } first)
            suggested[first] = ColumnRole.FirstName;
        if (preview.SuggestedLastNameColumn is { } last)
            suggested[last] = ColumnRole.LastName;
        if (preview.SuggestedFullNameColumn is { } full)
            suggested[full] = ColumnRole.FullName;
        return suggested;
    }

    // Mobile, first, last and full name each map from one column: choosing one again moves it.
    private void SetRole(int column, string? value)
    {
        var role = Enum.TryParse<ColumnRole>(value, out var parsed) ? parsed : ColumnRole.Ignore;
        if (role is ColumnRole.Mobile or ColumnRole.FirstName or ColumnRole.LastName or ColumnRole.FullName)
            for (var i = 0; i < roles.Length; i++)
                if (roles[i] == role)
                    roles[i] = ColumnRole.Ignore;
        roles[column] = role;
    }

    private async Task ImportAsync()
    {
        if (preview is null || uploadPath is null)
            return;
        var mobile = Array.IndexOf(roles, ColumnRole.Mobile);
        if (mobile < 0)
        {
            errors.Add("mapping", "Choose which column holds the mobile numbers.");
            return;
        }
        int? Column(ColumnRole role) => Array.IndexOf(roles, role) is var i and >= 0 ? i : null;
        var custom = Enumerable.Range(0, roles.Length).Where(i => roles[i] == ColumnRole.Custom)
            .ToDictionary(i => i, i => ContactFields.NormalizeKey(preview.Headers[i]));
        var mapping = new ColumnMapping(mobile, Column(ColumnRole.FirstName), Column(ColumnRole.LastName), custom, Column(ColumnRole.FullName));

        step = Step.Importing;
        importCancel = new CancellationTokenSource();
        var progress = new Progress<ImportProgress>(p => _ = InvokeAsync(() =>
        {
            importPercent = p.TotalBytes > 0 ? Math.Round(100.0 * p.BytesRead / p.TotalBytes) : 0;
            rowsRead = p.RowsRead;
            StateHasChanged();
        }));
        try
        {
            // Off the circuit's thread: the page stays responsive while 100,000 rows go in.
            var path = uploadPath;
            var token = importCancel.Token;
            report = await Task.Run(async () =>
            {
                await using var stream = File.OpenRead(path);
                return await Importer.ImportAsync(OrganisationId, BookId, stream, mapping, progress, token);
            });
            invalidRowsId = report.Invalid.Count > 0 ? Reports.Add(OrganisationId, book?.Name ?? "contacts", report.Invalid) : null;
            step = Step.Done;
            DeleteUpload();
        }
        catch (OperationCanceledException)
        {
            errors.Add("file", "Import cancelled: nothing was changed.");
            step = Step.Map;
        }
        catch (DomainException error)
        {
            errors.Add("file", error.Message);
            step = Step.Map;
        }
    }

    private void Restart()
    {
        DeleteUpload();
        preview = null;
        report = null;
        errors.Clear();
        step = Step.Choose;
    }

    private void DeleteUpload()
    {
        if (uploadPath is not null && File.Exists(uploadPath))
            File.Delete(uploadPath);
        uploadPath = null;
    }

    public void Dispose()
    {
        importCancel?.Cancel();
        // Let a cancelled import release the file before it is deleted.
        if (step != Step.Importing)
            DeleteUpload();
    }
}
