using System.Collections.Concurrent;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Dashboard.Tests.Infrastructure;

/// <summary>
/// The test app's e-mail sender verification: instead of writing the link to the log, it keeps what it was asked to
/// send, so a test can follow the link as the mailbox's reader would.
/// </summary>
public sealed class RecordedVerifications : IOriginVerificationSender
{
    private readonly ConcurrentQueue<(SenderIdView Origin, string Token)> _sent = new();

    public IReadOnlyList<(SenderIdView Origin, string Token)> Sent => [.. _sent];

    /// <summary>The link the last message to <paramref name="address"/> carried, as the dashboard serves it.</summary>
    public string LinkFor(string address)
    {
        var (origin, token) = _sent.Last(s => s.Origin.Name == address);
        return $"/senders/verify/{origin.Id}/{token}";
    }

    /// <summary>When set, the relay "refuses" the next link as the SMTP one does: the sender is saved, the link not sent.</summary>
    public string? RefuseWith { get; set; }

    public Task SendAsync(SenderIdView origin, string token, CancellationToken ct)
    {
        if (RefuseWith is { } why)
            throw new TalkNTalk.Core.Common.DomainException("verification_not_sent",
                $"{origin.Name} is saved, but its verification link could not be sent ({why}). Send the link again from Admin › Sender IDs.");
        _sent.Enqueue((origin, token));
        return Task.CompletedTask;
    }
}
