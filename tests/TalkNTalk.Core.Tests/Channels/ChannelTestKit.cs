using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Channels;

/// <summary>What tests of the channels beside SMS share: books with every kind of address, approved origins, lanes.</summary>
internal static class ChannelTestKit
{
    public const string BotToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq";

    /// <summary>A book of the given contacts; its id.</summary>
    public static async Task<Guid> BookAsync(TestServices services, Guid org, string name, params ContactInput[] contacts)
    {
        var book = await services.Get<AddressBookService>().CreateAsync(org, name, null);
        foreach (var contact in contacts)
            await services.Get<ContactService>().AddAsync(org, book.Id, contact);
        return book.Id;
    }

    /// <summary>An approved origin of the channel: registered as an admin would, and approved (an e-mail sender as if its link was followed).</summary>
    public static async Task<SenderIdView> OriginAsync(TestServices services, Guid org, Channel channel, string name, string? providerRef = null)
    {
        var origin = await services.Get<SenderIdService>().RegisterAsync(org, new OriginRequest(channel, name, ProviderRef: providerRef,
            Secret: channel == Channel.Telegram ? BotToken : null));
        if (origin.Status == SenderIdStatus.Approved)
            return origin;
        if (channel == Channel.Email)
        {
            await using var db = services.NewDb();
            await db.SenderIds.Where(s => s.Id == origin.Id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SenderIdStatus.Approved).SetProperty(x => x.VerificationTokenHash, (string?)null).SetProperty(x => x.IsDefault, true));
            return origin;
        }
        return await services.Get<SenderIdService>().ApproveAsync(org, origin.Id, "admin@acme.co.ke");
    }

    public static GatewayLane Lane(Channel channel, IMessageProvider provider, TestServices services) =>
        new("Test", provider, 0, new CircuitOptions(), services.Clock, NullLogger.Instance, channel: channel);
}

/// <summary>A provider that records what it was handed and answers by a rule of the test's.</summary>
internal sealed class RecordingProvider(Func<SubmitRequest, SubmitResult>? answer = null) : IMessageProvider
{
    public ConcurrentQueue<SubmitRequest> Requests { get; } = new();

    public bool DeduplicatesByMessageId => true;

    public Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        Requests.Enqueue(request);
        return Task.FromResult(answer?.Invoke(request) ?? new SubmitResult(SubmitOutcome.Accepted, $"p-{request.MessageId:N}"));
    }

    public Task<bool> HasCreditAsync(CancellationToken ct) => Task.FromResult(true);
}

/// <summary>A provider that never answers until the hand-over is cancelled: a channel whose provider hangs.</summary>
internal sealed class HangingProvider : IMessageProvider
{
    private int _handed;

    public int Handed => Volatile.Read(ref _handed);

    public bool DeduplicatesByMessageId => true;

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref _handed);
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    }

    public Task<bool> HasCreditAsync(CancellationToken ct) => Task.FromResult(true);
}
