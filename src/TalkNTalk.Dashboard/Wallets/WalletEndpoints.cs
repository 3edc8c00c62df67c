using System.Globalization;
using System.Text;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Wallets;

/// <summary>The wallet ledger as CSV, the same rows the wallet page shows, for the accounts.</summary>
public static class WalletEndpoints
{
    public static IEndpointRouteBuilder MapWalletDownloads(this IEndpointRouteBuilder endpoints)
    {
        // Streamed from the database to the response, row by row: a long ledger never sits in memory.
        endpoints.MapGet("/admin/wallet/ledger.csv", async (HttpContext http, WalletService wallets, CancellationToken ct) =>
        {
            var organisationId = http.User.OrganisationIdOf();
            var zone = http.User.TimeZoneOf();
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"wallet-ledger.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024);
            await using var csv = CsvCells.CreateWriter(writer);
            foreach (var header in new[] { "time", "movement", "amount", "available_after", "reserved_after", "entries", "campaign_id", "campaign", "note", "actor" })
                csv.WriteField(header);
            await csv.NextRecordAsync();
            await foreach (var e in wallets.StreamLedgerAsync(organisationId, ct))
            {
                csv.WriteField(OrganisationTime.ToLocal(e.CreatedAt, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
                csv.WriteField(e.Kind.ToString());
                var signed = e.Kind is LedgerEntryKind.TopUp or LedgerEntryKind.Refund ? e.Amount : -e.Amount;
                csv.WriteField(signed.ToString("0.00", CultureInfo.InvariantCulture));
                csv.WriteField(e.AvailableAfter.ToString("0.00", CultureInfo.InvariantCulture));
                csv.WriteField(e.ReservedAfter.ToString("0.00", CultureInfo.InvariantCulture));
                csv.WriteField(e.Entries);
                csv.WriteField(e.CampaignId?.ToString());
                csv.WriteField(e.CampaignName);
                csv.WriteField(e.CampaignId is null ? e.Note ?? e.Reference : e.Note);
                csv.WriteField(e.Actor);
                await csv.NextRecordAsync();
            }
            await csv.FlushAsync();
        }).RequireAuthorization(policy => policy.RequireRole("Admin"));
        return endpoints;
    }
}
