using System.Collections.Concurrent;
using System.Text;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Messages;

/// <summary>How far an export has got, so the explorer can show progress while the browser downloads the file.</summary>
public sealed record ExportProgress(int Written, int Total, bool Done, string? Error);

/// <summary>Progress of running exports by an id the page chose, per organisation; entries expire after an hour.</summary>
public sealed class ExportProgressStore(TimeProvider clock)
{
    private readonly ConcurrentDictionary<(Guid Organisation, Guid Export), (ExportProgress Progress, DateTimeOffset At)> _exports = new();

    public void Report(Guid organisationId, Guid exportId, ExportProgress progress)
    {
        var now = clock.GetUtcNow();
        _exports[(organisationId, exportId)] = (progress, now);
        foreach (var old in _exports.Where(e => now - e.Value.At > TimeSpan.FromHours(1)))
            _exports.TryRemove(old.Key, out _);
    }

    public ExportProgress? Find(Guid organisationId, Guid exportId) =>
        _exports.TryGetValue((organisationId, exportId), out var entry) ? entry.Progress : null;
}

/// <summary><c>GET /messages/export.csv?&lt;explorer filters&gt;&amp;export=&lt;id&gt;</c>: the explorer's current view as CSV, streamed.</summary>
public static class MessageExportEndpoints
{
    public static IEndpointRouteBuilder MapMessageExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/messages/export.csv", async (HttpContext http, MessageQueries queries, MessageExporter exporter, ExportProgressStore progress, CancellationToken ct) =>
        {
            var organisationId = http.User.OrganisationIdOf();
            var zone = http.User.TimeZoneOf();
            // A backwards date range matches nothing: the file then holds just the header.
            var filter = MessageFilterQuery.Parse(http.Request.Query, []).ToFilter(zone) ?? new MessageFilter(CreatedFrom: DateTime.MaxValue);
            Guid.TryParse(http.Request.Query["export"], out var exportId);
            int total;
            try
            {
                total = await queries.CountAsync(organisationId, filter, ct);
            }
            catch (DomainException e) when (e.Code == "not_found")
            {
                return Results.NotFound();
            }
            void Report(int written, bool done, string? error = null)
            {
                if (exportId != Guid.Empty)
                    progress.Report(organisationId, exportId, new ExportProgress(written, total, done, error));
            }

            Report(0, false);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"messages-{DateTime.UtcNow:yyyy-MM-dd-HHmm}.csv\"";
            var written = 0;
            try
            {
                await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024);
                written = await exporter.WriteCsvAsync(organisationId, filter, zone, writer, rows => Report(written = rows, false), ct);
                Report(written, true);
            }
            catch (OperationCanceledException)
            {
                Report(written, true, "The download was stopped before it finished.");
            }
            catch
            {
                Report(written, true, "The export failed part-way through: try again.");
                throw;
            }
            return Results.Empty;
        }).RequireAuthorization();
        return endpoints;
    }
}
