using TalkNTalk.Core.Common;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Tests.Wallets;

/// <summary>The ledger rules on the entity itself: balances never negative, every movement recorded.</summary>
public sealed class WalletTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 6, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("10000000.01")]
    [InlineData("1.005")]
    public void Top_up_refuses_amounts_that_are_not_real_money(string amount)
    {
        var wallet = new Wallet();
        var error = Assert.Throws<DomainException>(() => wallet.TopUp(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), null, "admin", Now));
        Assert.Equal("amount", error.Field);
        Assert.Equal(0m, wallet.Available);
    }

    [Fact]
    public void Reserve_charge_and_refund_move_credit_and_record_balances_after()
    {
        var wallet = new Wallet();
        var entries = new List<WalletLedgerEntry>
        {
            wallet.TopUp(100m, "M-Pesa QJK7", "admin", Now),
            wallet.Reserve(30m, "campaign-1", Now),
            wallet.Charge(20m, "campaign-1", Now),
            wallet.Refund(10m, "campaign-1", Now),
        };

        Assert.Equal(80m, wallet.Available);
        Assert.Equal(0m, wallet.Reserved);
        Assert.Equal([LedgerEntryKind.TopUp, LedgerEntryKind.Reserve, LedgerEntryKind.Charge, LedgerEntryKind.Refund], entries.Select(e => e.Kind));
        Assert.Equal([100m, 70m, 70m, 80m], entries.Select(e => e.AvailableAfter));
        Assert.Equal([0m, 30m, 10m, 0m], entries.Select(e => e.ReservedAfter));
    }

    [Fact]
    public void Reserve_beyond_the_available_balance_is_refused_and_changes_nothing()
    {
        var wallet = new Wallet();
        wallet.TopUp(5m, null, "admin", Now);

        var error = Assert.Throws<DomainException>(() => wallet.Reserve(5.01m, "campaign-1", Now));

        Assert.Equal("insufficient_balance", error.Code);
        Assert.Equal("Insufficient balance. Required KES 5.01, available KES 5.00.", error.Message);
        Assert.Equal(5m, wallet.Available);
        Assert.Equal(0m, wallet.Reserved);
    }

    [Fact]
    public void Charging_or_refunding_more_than_is_reserved_is_a_bug_not_a_negative_balance()
    {
        var wallet = new Wallet();
        wallet.TopUp(10m, null, "admin", Now);
        wallet.Reserve(4m, "c", Now);

        Assert.Throws<InvalidOperationException>(() => wallet.Charge(4.01m, "c", Now));
        Assert.Throws<InvalidOperationException>(() => wallet.Refund(5m, "c", Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => wallet.Charge(0m, "c", Now));
        Assert.Equal(6m, wallet.Available);
        Assert.Equal(4m, wallet.Reserved);
    }

    [Fact]
    public void Every_movement_bumps_the_concurrency_version()
    {
        var wallet = new Wallet();
        wallet.TopUp(10m, null, "admin", Now);
        wallet.Reserve(1m, "c", Now);
        Assert.Equal(2, wallet.Version);
    }
}
