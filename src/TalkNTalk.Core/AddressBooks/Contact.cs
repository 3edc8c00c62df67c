using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.AddressBooks;

/// <summary>
/// Opted-out contacts ("contact no more") stay in the book, so a re-import cannot silently re-add them, but are never
/// sent to on any channel. An opt-out of one channel only is an <see cref="OptOut"/>.
/// </summary>
public enum ContactStatus { Active = 0, OptedOut = 1 }

/// <summary>
/// One person in one address book, with an address for any of the channels (at least one). The same address may sit
/// in several books (one row each); sends de-duplicate across books by the channel's address, and an opt-out anywhere
/// in the organisation keeps that address out of every send on its channel.
/// </summary>
public sealed class Contact
{
    public const int MaxNameLength = 100;
    public const int MaxIdLength = 24;

    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid AddressBookId { get; set; }

    /// <summary>Normalised <c>254XXXXXXXXX</c>, for SMS and WhatsApp; unique within the book.</summary>
    public string? Mobile { get; set; }

    /// <summary>The mobile's network; <see cref="Network.None"/> without a mobile.</summary>
    public Network Network { get; set; }

    /// <summary>Lower case; unique within the book.</summary>
    public string? Email { get; set; }

    /// <summary>The chat the person opened with the organisation's bot; unique within the book.</summary>
    public string? TelegramChatId { get; set; }

    /// <summary>Upper case, e.g. U024BE7LH; unique within the book.</summary>
    public string? SlackUserId { get; set; }

    public string? FirstName { get; set; }
    public string? LastName { get; set; }

    /// <summary>Extra columns from an import, as a JSON object of strings (see <see cref="ContactFields"/>).</summary>
    public string? CustomFields { get; set; }

    public ContactStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The contact's address on the channel, if it has one.</summary>
    public string? AddressFor(Channel channel) => ContactAddressColumns.Pick(channel, Mobile, Email, TelegramChatId, SlackUserId);
}

/// <summary>Which <c>contacts</c> column holds each channel's address: SMS and WhatsApp share the mobile.</summary>
public static class ContactAddressColumns
{
    public static IReadOnlyList<string> All { get; } = [nameof(Contact.Mobile), nameof(Contact.Email), nameof(Contact.TelegramChatId), nameof(Contact.SlackUserId)];

    public static string Of(Channel channel) => channel switch
    {
        Channel.Sms or Channel.WhatsApp => nameof(Contact.Mobile),
        Channel.Email => nameof(Contact.Email),
        Channel.Telegram => nameof(Contact.TelegramChatId),
        Channel.Slack => nameof(Contact.SlackUserId),
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    /// <summary>Of a contact's four addresses, the one the channel sends to.</summary>
    public static string? Pick(Channel channel, string? mobile, string? email, string? telegramChatId, string? slackUserId) => Of(channel) switch
    {
        nameof(Contact.Mobile) => mobile,
        nameof(Contact.Email) => email,
        nameof(Contact.TelegramChatId) => telegramChatId,
        _ => slackUserId,
    };
}

/// <summary>Why an address stopped receiving a channel.</summary>
public enum OptOutReason { Requested, Stop, BotBlocked, MarketingOptOut, Bounced }

/// <summary>
/// One address that receives nothing more on one channel, organisation-wide: an SMS STOP does not unsubscribe the same
/// person's e-mail. Set by a person on the contact's page, or by the channel itself (Telegram's "bot was blocked by the
/// user", WhatsApp's marketing opt-out).
/// </summary>
public sealed class OptOut
{
    public Guid OrganisationId { get; set; }
    public Channel Channel { get; set; }

    /// <summary>As <see cref="ChannelAddress"/> stores it.</summary>
    public required string Address { get; set; }

    public OptOutReason Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}
