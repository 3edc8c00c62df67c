using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Core.Wallets;

public sealed record WalletBalance(decimal Available, decimal Reserved, DateTime UpdatedAt);

public sealed record LedgerEntryView(long Id, LedgerEntryKind Kind, decimal Amount, decimal AvailableAfter, decimal ReservedAfter, string? Note, string? Actor, string? Reference, DateTime CreatedAt)
{
    /// <summary>How many ledger entries this row sums: a campaign's charges of one kind on one local day are one row.</summary>
    public int Entries { get; init; } = 1;

    /// <summary>The campaign the movement is for, when its reference names one.</summary>
    public Guid? CampaignId => Reference is { } r && r.StartsWith(CampaignPrefix, StringComparison.Ordinal) && Guid.TryParseExact(r[CampaignPrefix.Length..], "N", out var id) ? id : null;

    /// <summary>The campaign's name, when <see cref="CampaignId"/> names one that still exists.</summary>
    public string? CampaignName { get; init; }

    public const string CampaignPrefix = "campaign:";
}

/// <summary>Reads the wallet and records manual top-ups. Campaign reservations, charges and refunds use <see cref="Wallet"/> inside their own transactions.</summary>
public sealed class WalletService(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock, WalletNotifier notifier)
{
    private const int MaxAttempts = 10;

    public async Task<WalletBalance> GetBalanceAsync(Guid organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var wallet = await db.Wallets.AsNoTracking().SingleOrDefaultAsync(w => w.OrganisationId == organisationId, ct);
        return wallet is null ? new WalletBalance(0, 0, default) : new WalletBalance(wallet.Available, wallet.Reserved, wallet.UpdatedAt);
    }

    /// <summary>Adds credit with a note (receipt number, M-Pesa code) and tells every open dashboard.</summary>
    public async Task<LedgerEntryView> TopUpAsync(Guid organisationId, decimal amount, string? note, string actor, string? reference = null, CancellationToken ct = default)
    {
        if (note?.Trim().Length > 200)
            throw DomainException.Validation("note", "Keep the note to 200 characters.");
        // Another writer (a send reserving credit) may change the wallet between our read and write: the version
        // check refuses our stale write, and we apply the top-up again to the fresh balance.
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var wallet = await WalletRows.ForUpdate(db, organisationId).SingleOrDefaultAsync(ct)
                ?? throw DomainException.NotFound("Wallet");
            var entry = wallet.TopUp(amount, note, actor, clock.GetUtcNow().UtcDateTime);
            entry.Reference = reference;
            db.WalletLedger.Add(entry);
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                continue;
            }
            notifier.Publish(organisationId);
            return ToView(entry);
        }
    }

    /// <summary>
    /// A page of the ledger, newest first. A campaign's movements of one kind on one local day (the dispatcher
    /// writes one per batch) are one row: their amounts summed in cents, so exactly, with the balances after the last.
    /// </summary>
    public async Task<(IReadOnlyList<LedgerEntryView> Items, int Total)> GetLedgerAsync(Guid organisationId, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = await GroupedLedgerAsync(db, organisationId, ct);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(e => e.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        var names = await CampaignNamesAsync(db, organisationId, rows, ct);
        return (rows.Select(r => r.ToView(names)).ToList(), total);
    }

    /// <summary>Every row of <see cref="GetLedgerAsync"/>, newest first, streamed from the database for the CSV export.</summary>
    public async IAsyncEnumerable<LedgerEntryView> StreamLedgerAsync(Guid organisationId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = await GroupedLedgerAsync(db, organisationId, ct);
        // Names first, with a light query of their own: the reader below stays open while the rows stream.
        var names = await db.Campaigns.AsNoTracking().Where(c => c.OrganisationId == organisationId)
            .Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        await foreach (var row in query.OrderByDescending(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
            yield return row.ToView(names);
    }

    private static async Task<IQueryable<LedgerRow>> GroupedLedgerAsync(TalkNTalkDbContext db, Guid organisationId, CancellationToken ct)
    {
        var zoneId = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.TimeZoneId).SingleOrDefaultAsync(ct);
        // The zone's offset today places each entry on its local day (exact for Nairobi and every zone without daylight saving).
        return LedgerSql.Grouped(db, organisationId, (int)OrganisationTime.Zone(zoneId).GetUtcOffset(DateTime.UtcNow).TotalMinutes);
    }

    private static async Task<IReadOnlyDictionary<Guid, string>> CampaignNamesAsync(TalkNTalkDbContext db, Guid organisationId, IEnumerable<LedgerRow> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.View().CampaignId).OfType<Guid>().Distinct().ToList();
        if (ids.Count == 0)
            return new Dictionary<Guid, string>();
        return await db.Campaigns.AsNoTracking().Where(c => c.OrganisationId == organisationId && ids.Contains(c.Id))
            .Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
    }

    internal sealed class LedgerRow
    {
        public long Id { get; init; }
        public string Kind { get; init; } = "";
        public string? Reference { get; init; }
        public string? Note { get; init; }
        public string? Actor { get; init; }
        public DateTime CreatedAt { get; init; }
        public decimal AvailableAfter { get; init; }
        public decimal ReservedAfter { get; init; }
        public int Entries { get; init; }
        public long Cents { get; init; }

        public LedgerEntryView View() =>
            new(Id, Enum.Parse<LedgerEntryKind>(Kind), Cents / 100m, AvailableAfter, ReservedAfter, Note, Actor, Reference, CreatedAt) { Entries = Entries };

        public LedgerEntryView ToView(IReadOnlyDictionary<Guid, string> names)
        {
            var view = View();
            return view.CampaignId is { } id && names.TryGetValue(id, out var name) ? view with { CampaignName = name } : view;
        }
    }

    private static LedgerEntryView ToView(WalletLedgerEntry e) =>
        new(e.Id, e.Kind, e.Amount, e.AvailableAfter, e.ReservedAfter, e.Note, e.Actor, e.Reference, e.CreatedAt);
}
