using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Dashboard.AddressBooks;

/// <summary>The one way the address book pages show a stored number: <see cref="PhoneNumber.Display"/> (+254 712 345 678).</summary>
public static class ContactPhone
{
    public static string Display(string msisdn) => Channel.Sms.DisplayAddress(msisdn);
}
