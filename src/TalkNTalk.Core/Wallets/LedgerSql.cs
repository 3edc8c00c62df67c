using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Wallets;

/// <summary>
/// The wallet page's ledger: a campaign's movements of one kind on one local day are one row, their amounts summed in
/// cents, with the balances, note and time of the group's newest entry. SQLite takes the bare columns from the row with
/// MAX(Id); PostgreSQL picks that row with DISTINCT ON. Output columns are quoted, as EF reads them by property name.
/// </summary>
internal static class LedgerSql
{
    public static IQueryable<WalletService.LedgerRow> Grouped(TalkNTalkDbContext db, Guid organisationId, int offsetMinutes)
    {
        var offset = $"{offsetMinutes:+0;-0} minutes";
        if (!db.Database.IsNpgsql())
            return db.Database.SqlQuery<WalletService.LedgerRow>($"""
                SELECT MAX("Id") AS "Id", "Kind", "Reference", "Note", "Actor", "CreatedAt", "AvailableAfter", "ReservedAfter",
                       COUNT(*) AS "Entries", SUM(CAST(ROUND("Amount" * 100) AS INTEGER)) AS "Cents"
                FROM "wallet_ledger"
                WHERE "OrganisationId" = {organisationId.ToString().ToUpperInvariant()}
                GROUP BY CASE WHEN "Reference" LIKE 'campaign:%' AND "Kind" <> 'TopUp'
                              THEN "Reference" || '|' || "Kind" || '|' || date("CreatedAt", {offset})
                              ELSE 'id:' || "Id" END
                """);
        return db.Database.SqlQuery<WalletService.LedgerRow>($"""
            SELECT DISTINCT ON (g) Id AS "Id", Kind AS "Kind", Reference AS "Reference", Note AS "Note", Actor AS "Actor",
                   CreatedAt AS "CreatedAt", AvailableAfter AS "AvailableAfter", ReservedAfter AS "ReservedAfter",
                   CAST(COUNT(*) OVER (PARTITION BY g) AS integer) AS "Entries", SUM(cents) OVER (PARTITION BY g) AS "Cents"
            FROM (
                SELECT *, CAST(ROUND(Amount * 100) AS bigint) AS cents,
                       CASE WHEN Reference LIKE 'campaign:%' AND Kind <> 'TopUp'
                            THEN Reference || '|' || Kind || '|' || CAST(CAST((CreatedAt AT TIME ZONE 'UTC') + CAST({offset} AS interval) AS date) AS text)
                            ELSE 'id:' || Id END AS g
                FROM wallet_ledger
                WHERE OrganisationId = {organisationId}
            ) e
            ORDER BY g, Id DESC
            """);
    }
}
