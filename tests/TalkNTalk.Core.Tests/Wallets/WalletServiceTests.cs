using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Tests.Wallets;

public sealed class WalletServiceTests
{
    [Fact]
    public async Task Top_up_adds_credit_records_it_in_the_ledger_and_tells_subscribers()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 100m);
        var wallets = services.Get<WalletService>();
        var published = new TaskCompletionSource();
        using var subscription = services.Get<WalletNotifier>().Subscribe(org, () =>
        {
            published.TrySetResult();
            return Task.CompletedTask;
        });

        var entry = await wallets.TopUpAsync(org, 2500m, "  M-Pesa QJK7H2XYZ1 ", "admin@acme.co.ke");

        Assert.Equal(2600m, entry.AvailableAfter);
        Assert.Equal("M-Pesa QJK7H2XYZ1", entry.Note);
        Assert.Equal(2600m, (await wallets.GetBalanceAsync(org)).Available);
        await published.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Ledger_is_newest_first_and_paged()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 1m);
        var wallets = services.Get<WalletService>();
        for (var i = 1; i <= 5; i++)
            await wallets.TopUpAsync(org, i * 10m, $"top-up {i}", "admin");

        var (firstPage, total) = await wallets.GetLedgerAsync(org, 0, 2);
        var (lastPage, _) = await wallets.GetLedgerAsync(org, 5, 2);

        Assert.Equal(6, total);
        Assert.Equal(["top-up 5", "top-up 4"], firstPage.Select(e => e.Note));
        Assert.Equal("Opening credit", Assert.Single(lastPage).Note);
    }

    [Fact]
    public async Task Concurrent_top_ups_are_all_counted_to_the_shilling()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var wallets = services.Get<WalletService>();

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() => wallets.TopUpAsync(org, 10.25m, $"#{i}", "admin"))));

        Assert.Equal(205m, (await wallets.GetBalanceAsync(org)).Available);
        await using var db = services.NewDb();
        var ledger = await db.WalletLedger.Where(e => e.OrganisationId == org).ToListAsync();
        Assert.Equal(20, ledger.Count);
        Assert.Equal(205m, ledger.Sum(e => e.Amount));
    }

    [Fact]
    public async Task Bad_top_ups_save_nothing()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 50m);
        var wallets = services.Get<WalletService>();

        Assert.Equal("amount", (await Assert.ThrowsAsync<DomainException>(() => wallets.TopUpAsync(org, -1m, null, "admin"))).Field);
        Assert.Equal("note", (await Assert.ThrowsAsync<DomainException>(() => wallets.TopUpAsync(org, 1m, new string('x', 201), "admin"))).Field);

        Assert.Equal(50m, (await wallets.GetBalanceAsync(org)).Available);
        Assert.Equal(1, (await wallets.GetLedgerAsync(org, 0, 10)).Total);
    }

    [Fact]
    public async Task One_organisation_never_sees_or_changes_another_organisations_wallet()
    {
        await using var services = await TestServices.StartAsync();
        var acme = await services.CreateOrganisationAsync("Acme Kenya", credit: 100m);
        var baraka = await services.CreateOrganisationAsync("Baraka Sacco", credit: 7m, sender: "BARAKA");
        var wallets = services.Get<WalletService>();

        await wallets.TopUpAsync(acme, 900m, null, "admin");

        Assert.Equal(7m, (await wallets.GetBalanceAsync(baraka)).Available);
        Assert.Equal(1, (await wallets.GetLedgerAsync(baraka, 0, 10)).Total);
        await Assert.ThrowsAsync<DomainException>(() => wallets.TopUpAsync(Guid.NewGuid(), 1m, null, "admin"));
    }

    [Fact]
    public async Task Ledger_sums_a_campaigns_batches_per_kind_and_local_day_to_the_cent()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 100m);
        var campaign = Guid.NewGuid();
        var reference = $"campaign:{campaign:N}";
        // Nairobi is UTC+3: 20:55 UTC is 23:55 on 1 Dec there, 21:05 UTC already 00:05 on 2 Dec, though both are 1 Dec in UTC.
        var day1 = new DateTime(2026, 12, 1, 6, 0, 0, DateTimeKind.Utc);
        await using (var db = services.NewDb())
        {
            var wallet = await db.Wallets.SingleAsync(w => w.OrganisationId == org);
            db.WalletLedger.Add(wallet.Reserve(10m, reference, day1));
            for (var i = 0; i < 30; i++)
                db.WalletLedger.Add(wallet.Charge(0.1m, reference, day1.AddMinutes(i)));
            db.WalletLedger.Add(wallet.Refund(0.35m, reference, day1.AddHours(1)));
            db.WalletLedger.Add(wallet.Charge(0.07m, reference, day1.AddMinutes(14 * 60 + 55)));
            db.WalletLedger.Add(wallet.Charge(0.01m, reference, day1.AddMinutes(15 * 60 + 5)));
            await db.SaveChangesAsync();
        }

        var (rows, total) = await services.Get<WalletService>().GetLedgerAsync(org, 0, 50);

        Assert.Equal(5, total); // opening credit, reserve, refund, charges of 1 Dec, charges of 2 Dec
        var charges = rows.Where(r => r.Kind == LedgerEntryKind.Charge).ToList();
        Assert.Equal([(0.01m, 1), (3.07m, 31)], charges.Select(r => (r.Amount, r.Entries)));
        Assert.All(rows.Where(r => r.Reference == reference), r => Assert.Equal(campaign, r.CampaignId));
        Assert.Equal(100m - 10m + 0.35m, rows[0].AvailableAfter);
        Assert.Equal(10m - 3.07m - 0.35m - 0.01m, rows[0].ReservedAfter);
    }
}
