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
    private ImportColumns? columns;
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
        fileName = file.Name;
        try
        {
            uploadPath = await TempUpload.SaveAsync(file, Options.Value.MaxFileBytes, percent =>
            {
                uploadPercent = percent;
                StateHasChanged();
            });
            await using var stream = File.OpenRead(uploadPath);
            preview = await Importer.PreviewAsync(stream);
            columns = new ImportColumns(preview);
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

    private void SetRole(int column, string? value) =>
        columns!.Set(column, Enum.TryParse<ColumnRole>(value, out var role) ? role : ColumnRole.Ignore);

    private async Task ImportAsync()
    {
        if (preview is null || uploadPath is null || columns is null)
            return;
        if (columns.ToMapping() is not { } mapping)
        {
            errors.Add("mapping", "Choose which column holds the mobile numbers.");
            return;
        }

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
