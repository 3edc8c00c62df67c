using System.Text.RegularExpressions;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Channels;

/// <summary>
/// The one rule per channel for what an address is and how it is stored: a mobile number as <c>254XXXXXXXXX</c>
/// (<see cref="PhoneNumber"/>), an e-mail address in lower case, a Telegram chat id as its digits (a group's with its
/// minus), a Slack member id in upper case. Contacts, imports, the API and compose all read addresses through here.
/// </summary>
public static partial class ChannelAddress
{
    public const int MaxEmailLength = 254;

    /// <summary>Normalises <paramref name="input"/> as an address on <paramref name="channel"/>; false with a reason a person can act on.</summary>
    public static bool TryNormalise(Channel channel, string? input, out string address, out string? problem)
    {
        address = "";
        var text = input?.Trim() ?? "";
        switch (channel)
        {
            case Channel.Sms or Channel.WhatsApp:
                if (!PhoneNumber.TryParse(text, out var phone, out problem))
                    return false;
                address = phone.Msisdn;
                return true;
            case Channel.Email:
                return Email(text, out address, out problem);
            case Channel.Telegram:
                problem = TelegramChatIdPattern().IsMatch(text) ? null
                    : $"\"{Shown(text)}\" is not a Telegram chat id: it is the number the bot sees when the person starts it, e.g. 123456789.";
                address = problem is null ? text : "";
                return problem is null;
            default:
                var upper = text.ToUpperInvariant();
                problem = SlackMemberIdPattern().IsMatch(upper) ? null
                    : $"\"{Shown(text)}\" is not a Slack member id: copy it from the person's Slack profile (⋮ › Copy member ID), e.g. U024BE7LH.";
                address = problem is null ? upper : "";
                return problem is null;
        }
    }

    private static bool Email(string text, out string address, out string? problem)
    {
        address = "";
        if (text.Length == 0)
            problem = "Enter an e-mail address such as wanjiku@example.co.ke.";
        else if (text.Length > MaxEmailLength)
            problem = $"An e-mail address is at most {MaxEmailLength} characters.";
        else if (!EmailPattern().IsMatch(text))
            problem = $"\"{Shown(text)}\" is not an e-mail address: write it as name@domain, e.g. wanjiku@example.co.ke.";
        else
        {
            address = text.ToLowerInvariant();
            problem = null;
        }
        return problem is null;
    }

    private static string Shown(string text) => text.Length <= 60 ? text : text[..60] + "…";

    // One @, something before it, and a domain of dot-separated labels ending in letters: what every relay accepts.
    // No spaces, quotes, commas or angle brackets, which would make it a display name or a list rather than one address.
    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex EmailPattern();

    // A person's chat id is positive; a group's is negative. Telegram's ids fit in 52 bits.
    [GeneratedRegex(@"^-?[1-9][0-9]{0,15}$")]
    private static partial Regex TelegramChatIdPattern();

    // Member ids start U (or W on Enterprise Grid), then capitals and digits.
    [GeneratedRegex(@"^[UW][A-Z0-9]{6,20}$")]
    private static partial Regex SlackMemberIdPattern();
}
