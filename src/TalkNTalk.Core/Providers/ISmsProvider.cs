namespace TalkNTalk.Core.Providers;

/// <summary>One message handed to the provider. <see cref="MessageId"/> doubles as an idempotency key.</summary>
public sealed record SubmitRequest(Guid MessageId, string Mobile, string SenderId, string Body, int Segments);

public enum SubmitOutcome
{
    /// <summary>The provider took the message; a delivery receipt follows later.</summary>
    Accepted,
    /// <summary>The provider refused this message (bad number, blocked); it will not be retried.</summary>
    Failed,
    /// <summary>The provider account is out of credit; the message waits (held) until credit returns.</summary>
    NoCredit,
}

public sealed record SubmitResult(SubmitOutcome Outcome, string? ProviderMessageId = null, string? ErrorCode = null, string? ErrorDetail = null);

/// <summary>What the handset's network said about a submitted message.</summary>
public sealed record DeliveryReceipt(string ProviderMessageId, bool Delivered, string? ErrorCode, DateTime At);

/// <summary>The only door to the outside world for SMS. Implementations: simulated (default), Kannel, others.</summary>
public interface ISmsProvider
{
    /// <summary>Submits one message. Submitting the same <see cref="SubmitRequest.MessageId"/> again must not send it twice.</summary>
    Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct);

    /// <summary>True when the account can take messages again after <see cref="SubmitOutcome.NoCredit"/>.</summary>
    Task<bool> HasCreditAsync(CancellationToken ct);
}

/// <summary>Where providers deliver receipts (a callback endpoint, or the simulator's timer).</summary>
public interface IDeliveryReceiptSink
{
    void Post(DeliveryReceipt receipt);
}
