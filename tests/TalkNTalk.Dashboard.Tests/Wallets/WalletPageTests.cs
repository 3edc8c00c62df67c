using Bunit;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Users;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Dashboard.Tests.Components;
using TalkNTalk.Dashboard.Tests.Infrastructure;
using TalkNTalk.Dashboard.Wallets;

namespace TalkNTalk.Dashboard.Tests.Wallets;

public sealed class WalletPageTests : ComponentTest
{
    [Fact]
    public void Top_up_without_an_amount_says_so_next_to_the_field()
    {
        var cut = Render<WalletPage>();

        cut.Find("form").Submit();

        Assert.Equal("Enter the amount to add, in shillings.", cut.WaitForElement("[data-field=amount]").TextContent.Trim());
    }

    [Fact]
    public async Task Top_up_of_zero_is_refused_next_to_the_field_and_a_valid_one_adds_credit()
    {
        var cut = Render<WalletPage>();

        cut.Find("#topup-amount").Change("0");
        cut.Find("form").Submit();
        Assert.Equal("Enter an amount greater than zero.", cut.WaitForElement("[data-field=amount]").TextContent.Trim());

        cut.Find("#topup-amount").Change("250");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-field=amount]")));
        Assert.Equal(750m, (await App.Service<WalletService>().GetBalanceAsync(OrganisationId)).Available);
        cut.WaitForAssertion(() => Assert.Equal("KES 750.00", cut.Find("[data-testid=wallet-available]").TextContent.Trim()));
    }

    [Fact]
    public async Task A_campaigns_batches_of_a_day_are_one_row_named_and_linked_to_the_campaign()
    {
        var campaign = await AddCampaignWithBatchesAsync("December promo", [1.10m, 2.20m, 0.35m]);

        var cut = Render<WalletPage>();

        var link = cut.WaitForElement("[data-testid=ledger-campaign]");
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=ledger-campaign]").Count));
        var rows = cut.FindAll("[data-testid=ledger-grid] tbody tr");
        var charge = rows.Single(r => r.TextContent.Contains("Charge"));
        Assert.Contains("−KES 3.65", charge.TextContent);
        Assert.Contains("3 batches", charge.TextContent);
        Assert.Equal($"campaigns/{campaign}", charge.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("December promo", link.TextContent.Trim());
        Assert.DoesNotContain("campaign:", cut.Markup);
    }

    [Fact]
    public void A_wallet_with_no_movements_shows_an_empty_state()
    {
        SignInAs(TestApp.AdminEmail, "Wanjiku Admin", MemberRole.Admin, organisation: Guid.NewGuid());

        var cut = Render<WalletPage>();

        cut.WaitForAssertion(() => Assert.Contains("No movements yet", cut.Find("[data-testid=ledger-grid] [role=status]").TextContent));
    }

    // Reserves the total, then charges it batch by batch, as the dispatcher does.
    private async Task<Guid> AddCampaignWithBatchesAsync(string name, decimal[] batches)
    {
        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var campaign = new Campaign { OrganisationId = OrganisationId, Name = name, Message = "Hello", SenderId = "ACMEKE", CreatedAt = DateTime.UtcNow };
        db.Campaigns.Add(campaign);
        var wallet = await db.Wallets.SingleAsync(w => w.OrganisationId == OrganisationId);
        var reference = $"campaign:{campaign.Id:N}";
        var now = DateTime.UtcNow;
        db.WalletLedger.Add(wallet.Reserve(batches.Sum(), reference, now));
        foreach (var amount in batches)
            db.WalletLedger.Add(wallet.Charge(amount, reference, now = now.AddSeconds(1)));
        await db.SaveChangesAsync();
        return campaign.Id;
    }
}
