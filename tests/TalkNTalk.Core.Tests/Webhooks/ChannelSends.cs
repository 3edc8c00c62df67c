using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.Webhooks;

/// <summary>
/// Campaigns of any channel through the real send path: the channel's origin registered (and approved as that channel
/// approves it), a book whose contacts have the channel's address, and <see cref="CampaignService"/>. Their statuses are
/// moved by hand afterwards, as a provider's outcome would move them.
/// </summary>
public static class ChannelSends
{
    /// <summary>Sends "Karibu" on <paramref name="channel"/> to a new book of <paramref name="addresses"/>; returns the queued messages by address.</summary>
    public static async Task<Dictionary<string, Guid>> SendAsync(TestServices services, Guid organisationId, Channel channel, params string[] addresses)
    {
        await OriginAsync(services, organisationId, channel);
        var book = await services.Get<AddressBookService>().CreateAsync(organisationId, $"{channel.ToDisplayName()} {Guid.NewGuid():N}", null);
        var contacts = services.Get<ContactService>();
        for (var i = 0; i < addresses.Length; i++)
        {
            var address = addresses[i];
            await contacts.AddAsync(organisationId, book.Id, channel switch
            {
                Channel.Sms or Channel.WhatsApp => new ContactInput(address, $"Person {i}", null),
                Channel.Email => new ContactInput(null, $"Person {i}", null, Email: address),
                Channel.Telegram => new ContactInput(null, $"Person {i}", null, TelegramChatId: address),
                _ => new ContactInput(null, $"Person {i}", null, SlackUserId: address),
            });
        }
        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = organisationId,
            Channel = channel,
            Message = "Karibu",
            Subject = channel == Channel.Email ? "Your statement" : null,
            AddressBookIds = [book.Id],
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

    // The channel's default origin, approved as the channel approves it; SMS has one from set-up, Slack needs none.
    private static async Task OriginAsync(TestServices services, Guid organisationId, Channel channel)
    {
        var origins = services.Get<SenderIdService>();
        if ((await origins.ListAsync(organisationId, channel)).Any(o => o.IsDefault) || !ChannelRules.NeedsOrigin(channel))
            return;
        var origin = await origins.RegisterAsync(organisationId, channel switch
        {
            Channel.WhatsApp => new OriginRequest(channel, "0711000111", ProviderRef: "106540352242922"),
            Channel.Telegram => new OriginRequest(channel, "@AcmeKenyaBot", Secret: "123456789:" + new string('A', 35)),
            _ => new OriginRequest(channel, "news@acme.co.ke"),
        });
        if (channel == Channel.WhatsApp)
            await origins.ApproveAsync(organisationId, origin.Id, "admin@acme.co.ke");
        if (channel == Channel.Email)
        {
            // The link went to the address's inbox; the test plants a token of its own and follows it.
            const string Token = "planted-verification-token";
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token)));
            await using var db = services.NewDb();
            await db.SenderIds.Where(s => s.Id == origin.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.VerificationTokenHash, hash));
            await origins.VerifyAsync(origin.Id, Token);
        }
    }
}
