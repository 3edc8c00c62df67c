using TalkNTalk.Core.Common;

namespace TalkNTalk.Core.Wallets;

public enum LedgerEntryKind { TopUp = 0, Reserve = 1, Charge = 2, Refund = 3 }

/// <summary>
/// An organisation's credit in KES. <see cref="Available"/> can be spent; <see cref="Reserved"/> is held for queued
/// messages until the dispatcher charges or refunds it. Neither ever goes negative, and every movement is a
/// <see cref="WalletLedgerEntry"/>: the ledger replays to the balances.
/// </summary>
public sealed class Wallet
{
    /// <summary>Top-ups above this are refused as a typing mistake rather than a purchase.</summary>
    public const decimal MaxTopUp = 10_000_000m;

    public Guid OrganisationId { get; set; }
    public decimal Available { get; private set; }
    public decimal Reserved { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Optimistic concurrency: two writers never both apply a movement computed from the same balance.</summary>
    public int Version { get; private set; }

    /// <summary>Adds paid credit.</summary>
    public WalletLedgerEntry TopUp(decimal amount, string? note, string? actor, DateTime now)
    {
        if (amount <= 0)
            throw DomainException.Validation("amount", "Enter an amount greater than zero.");
        if (amount > MaxTopUp)
            throw DomainException.Validation("amount", $"A single top-up can be at most {Pricing.Money.Display(MaxTopUp)}.");
        if (decimal.Round(amount, 2) != amount)
            throw DomainException.Validation("amount", "Enter the amount in shillings and cents (at most two decimal places).");
        Available += amount;
        return Record(LedgerEntryKind.TopUp, amount, note, actor, null, now);
    }

    /// <summary>Holds credit for messages about to be queued; refuses when the available balance cannot cover it.</summary>
    public WalletLedgerEntry Reserve(decimal amount, string? reference, DateTime now)
    {
        RequirePositive(amount);
        if (amount > Available)
            throw new DomainException("insufficient_balance",
                $"Insufficient balance. Required {Pricing.Money.Format(amount)}, available {Pricing.Money.Format(Available)}.");
        Available -= amount;
        Reserved += amount;
        return Record(LedgerEntryKind.Reserve, amount, null, null, reference, now);
    }

    /// <summary>Turns reserved credit into spend once a message is submitted.</summary>
    public WalletLedgerEntry Charge(decimal amount, string? reference, DateTime now)
    {
        RequireReserved(amount);
        Reserved -= amount;
        return Record(LedgerEntryKind.Charge, amount, null, null, reference, now);
    }

    /// <summary>Returns reserved credit to the available balance (cancelled or failed messages).</summary>
    public WalletLedgerEntry Refund(decimal amount, string? reference, DateTime now)
    {
        RequireReserved(amount);
        Reserved -= amount;
        Available += amount;
        return Record(LedgerEntryKind.Refund, amount, null, null, reference, now);
    }

    private void RequireReserved(decimal amount)
    {
        RequirePositive(amount);
        if (amount > Reserved)
            throw new InvalidOperationException($"Cannot release {amount} KES: only {Reserved} KES is reserved.");
    }

    private static void RequirePositive(decimal amount)
    {
        if (amount <= 0)
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Wallet movements are positive amounts.");
    }

    private WalletLedgerEntry Record(LedgerEntryKind kind, decimal amount, string? note, string? actor, string? reference, DateTime now)
    {
        UpdatedAt = now;
        Version++;
        return new WalletLedgerEntry
        {
            OrganisationId = OrganisationId,
            Kind = kind,
            Amount = amount,
            AvailableAfter = Available,
            ReservedAfter = Reserved,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            Actor = actor,
            Reference = reference,
            CreatedAt = now,
        };
    }

}

/// <summary>One movement of credit. Append-only: never updated or deleted.</summary>
public sealed class WalletLedgerEntry
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public LedgerEntryKind Kind { get; set; }
    public decimal Amount { get; set; }
    public decimal AvailableAfter { get; set; }
    public decimal ReservedAfter { get; set; }
    public string? Note { get; set; }

    /// <summary>Who made a manual movement (user e-mail), null for the system.</summary>
    public string? Actor { get; set; }

    /// <summary>What the movement is for, e.g. a campaign id; used to keep bootstrap credit idempotent.</summary>
    public string? Reference { get; set; }

    public DateTime CreatedAt { get; set; }
}
