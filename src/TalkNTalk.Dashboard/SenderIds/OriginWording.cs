using TalkNTalk.Core.Channels;
using TalkNTalk.Core.SenderIds;

namespace TalkNTalk.Dashboard.SenderIds;

/// <summary>
/// What the sender IDs page says about one channel's origins: the register form's labels and hints, the empty list,
/// and what registering did. The rules themselves (formats, who approves) are <see cref="SenderIdService"/>'s.
/// </summary>
public static class OriginWording
{
    /// <summary>The register form's title: "Register a sender ID", "Add a WhatsApp number", …</summary>
    public static string FormTitle(Channel channel) => channel == Channel.Sms
        ? "Register a sender ID"
        : "Add " + ChannelNames.WithArticle(SenderIdService.OriginNoun(channel).ToLowerInvariantKeepingBrands());

    /// <summary>The list's title: "Your sender IDs", "Your WhatsApp numbers", …</summary>
    public static string ListTitle(Channel channel) => $"Your {Plural(channel)}";

    /// <summary>The origin's name field: its label, an example and what it must be.</summary>
    public static (string Label, string Placeholder, string Hint, int MaxLength) NameField(Channel channel) => channel switch
    {
        Channel.Sms => ("Name", "e.g. ACMEBANK", "3–11 letters and digits, exactly as registered with the operators.", SenderId.MaxLength),
        Channel.WhatsApp => ("Business number", "e.g. 0712 345 678", "The number registered with the WhatsApp Business Platform.", 20),
        Channel.Telegram => ("Bot username", "e.g. @AcmeKenyaBot", "As BotFather gave it: it ends in “bot”.", 33),
        Channel.Email => ("Address", "e.g. news@acme.co.ke", "We send a link to this address; it can send once someone there follows it.", SenderId.MaxOriginLength),
        _ => ("Bot name", "e.g. Acme Updates", "The name of your Slack app's bot, as your workspace shows it.", 80),
    };

    /// <summary>The empty list's title and what to do: "No sender IDs", …</summary>
    public static (string Title, string Text) Empty(Channel channel) => channel switch
    {
        Channel.Sms => ("No sender IDs", "Register the sender IDs the operators have approved for you."),
        Channel.WhatsApp => ("No WhatsApp numbers", "Add your WhatsApp business number with its phone-number ID, then approve it once Meta has."),
        Channel.Telegram => ("No Telegram bots", "Create a bot with BotFather and add its username and token here."),
        Channel.Email => ("No e-mail senders", "Add an address your organisation owns; it can send once the link sent to it is followed."),
        _ => ("No Slack bot", "None is needed: Slack campaigns go out as your workspace's bot. Add its name to show it on campaigns."),
    };

    /// <summary>What registering did, for the notification.</summary>
    public static string Registered(SenderIdView origin) => origin.Channel switch
    {
        Channel.Sms => $"{origin.Name} is registered and pending approval.",
        Channel.WhatsApp => $"{origin.Channel.DisplayAddress(origin.Name)} is registered and pending approval: approve it once Meta has.",
        Channel.Email => $"A verification link was sent to {origin.Name}. It can send once someone there follows it.",
        _ => $"{origin.Name} is registered and can send{(origin.IsDefault ? "; it is the default" : "")}.",
    };

    /// <summary>Where an origin stands, as its chip says it: "Approved", "Pending", "Awaiting verification", "Rejected".</summary>
    public static string Status(SenderIdView origin) =>
        origin.AwaitingVerification && origin.Status == SenderIdStatus.Pending ? "Awaiting verification" : origin.Status.ToString();

    /// <summary>An origin's name as people read it (a WhatsApp number as +254 712 345 678).</summary>
    public static string Name(SenderIdView origin) => origin.Channel.DisplayAddress(origin.Name);

    /// <summary>Whether an admin approves or rejects the channel's origins (the operator or Meta decided); the others approve themselves.</summary>
    public static bool AdminDecides(Channel channel) => channel is Channel.Sms or Channel.WhatsApp;

    private static string Plural(Channel channel) => channel == Channel.Sms
        ? "sender IDs"
        : SenderIdService.OriginNoun(channel).ToLowerInvariantKeepingBrands() + "s";

    // "WhatsApp number" stays "WhatsApp number", "E-mail sender" becomes "e-mail sender".
    private static string ToLowerInvariantKeepingBrands(this string noun) =>
        noun.StartsWith("E-mail", StringComparison.Ordinal) ? "e-mail" + noun["E-mail".Length..] : noun;
}
