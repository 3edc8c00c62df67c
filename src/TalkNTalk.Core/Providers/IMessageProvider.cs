using TalkNTalk.Core.Channels;

namespace TalkNTalk.Core.Providers;

/// <summary>One message handed to the provider. A provider that de-duplicates treats <see cref="MessageId"/> as an idempotency key.</summary>
/// <param name="Address">Where it goes on its channel: <c>254XXXXXXXXX</c>, an e-mail address, a Telegram chat id, a Slack member id.</param>
/// <param name="SenderId">The origin's name on the channel (empty for Slack's workspace bot).</param>
/// <param name="Body">The text, or for a WhatsApp template its stored form (<see cref="WhatsAppTemplate.ToBody"/>).</param>
/// <param name="Subject">E-mail only: the subject line.</param>
/// <param name="OrganisationId">Whose message it is: a provider finds the origin's own settings (a bot's token) by it.</param>
public sealed record SubmitRequest(Guid MessageId, string Address, string SenderId, string Body, int Segments,
    Channel Channel = Channel.Sms, string? Subject = null, Guid OrganisationId = default);

public enum SubmitOutcome
{
    /// <summary>The provider took the message; a delivery receipt follows later.</summary>
    Accepted,
    /// <summary>
    /// The provider refused this message (bad address, blocked); it will not be retried. An error code that
    /// <see cref="ChannelRules.OptOutFor"/> recognises (the person blocked the bot) also takes the address off the channel.
    /// </summary>
    Failed,
    /// <summary>The provider account is out of credit; the message waits (held) until credit returns.</summary>
    NoCredit,
    /// <summary>The provider may or may not have taken it (an answer lost after sending): it waits for its delivery report.</summary>
    Unknown,
    /// <summary>
    /// The provider did not take it because of a limit of this sender or recipient (WhatsApp's pair rate limit), not of the
    /// channel: this message waits, queued and uncharged, for <see cref="SubmitResult.RetryAfter"/>, and the lane goes on.
    /// </summary>
    Deferred,
}

/// <param name="RetryAfter">With <see cref="SubmitOutcome.Deferred"/>: how long the message waits before it is handed over again.</param>
public sealed record SubmitResult(SubmitOutcome Outcome, string? ProviderMessageId = null, string? ErrorCode = null, string? ErrorDetail = null,
    TimeSpan? RetryAfter = null);

/// <summary>
/// What the handset's network said about a submitted message. Providers name the message by their own id, by ours
/// (Kannel's report URL carries it), or both.
/// </summary>
/// <param name="Network">The network the report came from, when the provider says (numbers are portable, so it corrects the prefix table's guess).</param>
public sealed record DeliveryReceipt(string? ProviderMessageId, bool Delivered, string? ErrorCode, DateTime At, Guid? MessageId = null,
    Phones.Network? Network = null);

/// <summary>
/// The only door to the outside world, for one channel. Implementations: a simulated one per channel (the default),
/// Kannel and Africa's Talking for SMS, SMTP for e-mail, Telegram's Bot API, Slack's Web API, WhatsApp's Cloud API.
/// </summary>
public interface IMessageProvider
{
    /// <summary>
    /// True when submitting the same <see cref="SubmitRequest.MessageId"/> twice sends it once. Only then may the
    /// dispatcher hand a message over again after a crash or a lost answer; otherwise such a message is never re-sent
    /// blindly (it becomes <c>Unknown</c> and waits for its delivery report, or an admin).
    /// </summary>
    bool DeduplicatesByMessageId { get; }

    /// <summary>
    /// Submits one message. Throw <see cref="ProviderUnavailableException"/> when the provider certainly did not take
    /// it (no connection, 503); any other exception means it may have.
    /// </summary>
    Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct);

    /// <summary>True when the account can take messages again after <see cref="SubmitOutcome.NoCredit"/>.</summary>
    Task<bool> HasCreditAsync(CancellationToken ct);
}

/// <summary>The provider could not be reached or refused the hand-over: the message was certainly not taken.</summary>
public class ProviderUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The provider asked us to slow down (HTTP 429): nothing was taken, and nothing should be handed over for <see cref="RetryAfter"/>.</summary>
public sealed class ProviderThrottledException(string message, TimeSpan retryAfter) : ProviderUnavailableException(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
}

/// <summary>Where providers deliver receipts (a callback endpoint, or the simulator).</summary>
public interface IDeliveryReceiptSink
{
    /// <summary>Keeps the receipts durably; when the task completes they survive a crash, and only then may a provider's callback be acknowledged.</summary>
    Task PostAsync(IReadOnlyList<DeliveryReceipt> receipts, CancellationToken ct = default);
}
