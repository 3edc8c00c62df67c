using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Wallets;

/// <summary>
/// An organisation's wallet read for a change, inside the caller's transaction. On PostgreSQL the row is locked until
/// the transaction ends, so writers on several instances (a send reserving, the dispatcher charging, a top-up) take
/// turns instead of failing each other's version check; SQLite has one writer at a time already, and
/// <see cref="Wallet.Version"/> still guards both.
/// </summary>
internal static class WalletRows
{
    public static IQueryable<Wallet> ForUpdate(TalkNTalkDbContext db, Guid organisationId) =>
        db.Database.IsNpgsql()
            ? db.Wallets.FromSql($"SELECT * FROM wallets WHERE organisationid = {organisationId} FOR UPDATE")
            : db.Wallets.Where(w => w.OrganisationId == organisationId);
}
