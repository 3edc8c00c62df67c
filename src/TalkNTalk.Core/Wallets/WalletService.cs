using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Notifications;

namespace TalkNTalk.Core.Wallets;

public sealed record WalletBalance(decimal Available, decimal Reserved, DateTime UpdatedAt);

public sealed record LedgerEntryView(long Id, LedgerEntryKind Kind, decimal Amount, decimal AvailableAfter, decimal ReservedAfter, string? Note, string? Actor, string? Reference, DateTime CreatedAt);

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
            var wallet = await db.Wallets.SingleOrDefaultAsync(w => w.OrganisationId == organisationId, ct)
                ?? throw DomainException.NotFound("Wallet");
            var entry = wallet.TopUp(amount, note, actor, clock.GetUtcNow().UtcDateTime);
            entry.Reference = reference;
            db.WalletLedger.Add(entry);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                continue;
            }
            notifier.Publish(organisationId);
            return ToView(entry);
        }
    }

    /// <summary>A page of the ledger, newest first.</summary>
    public async Task<(IReadOnlyList<LedgerEntryView> Items, int Total)> GetLedgerAsync(Guid organisationId, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.WalletLedger.AsNoTracking().Where(e => e.OrganisationId == organisationId);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(e => e.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return (rows.Select(ToView).ToList(), total);
    }

    private static LedgerEntryView ToView(WalletLedgerEntry e) =>
        new(e.Id, e.Kind, e.Amount, e.AvailableAfter, e.ReservedAfter, e.Note, e.Actor, e.Reference, e.CreatedAt);
}
