using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Channels;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>
/// Campaigns of any channel through the real send path: the channel's default origin (<see cref="ChannelTestKit"/>), a
/// book whose contacts have the channel's address, and <see cref="CampaignService"/>. Tests move their statuses by hand
/// (every status on every channel), or dispatch them.
/// </summary>
internal static class ChannelSends
{
    /// <summary>Sends "Karibu" on <paramref name="channel"/> to a new book of <paramref name="addresses"/>; returns the queued messages by address.</summary>
    public static async Task<Dictionary<string, Guid>> SendAsync(TestServices services, Guid organisationId, Channel channel, params string[] addresses)
    {
        if (ChannelRules.NeedsOrigin(channel) && !(await services.Get<SenderIdService>().ListAsync(organisationId, channel)).Any(o => o.IsDefault))
            await ChannelTestKit.OriginAsync(services, organisationId, channel, channel switch
            {
                Channel.WhatsApp => "0711000111",
                Channel.Telegram => "@AcmeKenyaBot",
                _ => "news@acme.co.ke",
            }, providerRef: channel == Channel.WhatsApp ? "106540352242922" : null);
        var book = await ChannelTestKit.BookAsync(services, organisationId, $"{channel.ToDisplayName()} {Guid.NewGuid():N}", [.. addresses.Select((address, i) => channel switch
        {
            Channel.Sms or Channel.WhatsApp => new ContactInput(address, $"Person {i}", null),
            Channel.Email => new ContactInput(null, $"Person {i}", null, Email: address),
            Channel.Telegram => new ContactInput(null, $"Person {i}", null, TelegramChatId: address),
            _ => new ContactInput(null, $"Person {i}", null, SlackUserId: address),
        })]);
        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = organisationId,
            Channel = channel,
            Message = "Karibu",
            Subject = channel == Channel.Email ? "Your statement" : null,
            AddressBookIds = [book],
        });
        await using var db = services.NewDb();
        return await db.Messages.AsNoTracking().Where(m => m.CampaignId == result.CampaignId).ToDictionaryAsync(m => m.Address, m => m.Id);
    }

    /// <summary>Moves a message to <paramref name="status"/> at the clock's time, as the dispatcher or a receipt would.</summary>
    public static async Task BecomeAsync(TestServices services, Guid message, MessageStatus status, string? errorCode = null)
    {
        var now = services.Clock.GetUtcNow().UtcDateTime;
        await using var db = services.NewDb();
        await db.Messages.Where(m => m.Id == message).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, status).SetProperty(m => m.UpdatedAt, now).SetProperty(m => m.ErrorCode, errorCode));
    }
}
