using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;

namespace TalkNTalk.Core.Wallets;

/// <summary>
/// Charges and refunds of campaigns gathered over many messages, written as one ledger entry per campaign and kind:
/// the dispatcher's outcomes, delivery reports of messages whose outcome was unknown, and cancellations all move
/// money through here, so the ledger stays exact and readable.
/// </summary>
public sealed class CampaignMoney
{
    private readonly Dictionary<(Guid Organisation, Guid Campaign), (decimal Charge, decimal Refund)> _sums = [];

    /// <summary>The ledger reference of a campaign's entries; the wallet page links it back to the campaign.</summary>
    public static string Reference(Guid campaignId) => $"campaign:{campaignId:N}";

    public IEnumerable<Guid> Organisations => _sums.Keys.Select(k => k.Organisation).Distinct();

    public void Charge(Guid organisationId, Guid campaignId, decimal amount) => Add(organisationId, campaignId, amount, 0);

    public void Refund(Guid organisationId, Guid campaignId, decimal amount) => Add(organisationId, campaignId, 0, amount);

    private void Add(Guid organisationId, Guid campaignId, decimal charge, decimal refund)
    {
        var (c, r) = _sums.GetValueOrDefault((organisationId, campaignId));
        _sums[(organisationId, campaignId)] = (c + charge, r + refund);
    }

    /// <summary>Moves reserved credit to charged or back to available, adds the charges to the campaigns' cost; the caller saves.</summary>
    public async Task ApplyAsync(TalkNTalkDbContext db, DateTime now, CancellationToken ct)
    {
        foreach (var organisation in _sums.GroupBy(s => s.Key.Organisation))
        {
            var wallet = await WalletRows.ForUpdate(db, organisation.Key).SingleAsync(ct);
            foreach (var ((_, campaign), (charge, refund)) in organisation)
            {
                if (charge > 0)
                    db.WalletLedger.Add(wallet.Charge(charge, Reference(campaign), now));
                if (refund > 0)
                    db.WalletLedger.Add(wallet.Refund(refund, Reference(campaign), now));
            }
        }
        var charged = _sums.Where(s => s.Value.Charge > 0).ToDictionary(s => s.Key.Campaign, s => s.Value.Charge);
        if (charged.Count == 0)
            return;
        foreach (var campaign in await db.Campaigns.Where(c => charged.Keys.Contains(c.Id)).ToListAsync(ct))
            campaign.ActualCost += charged[campaign.Id];
    }
}
