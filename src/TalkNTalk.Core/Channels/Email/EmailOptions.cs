using TalkNTalk.Core.Providers;

namespace TalkNTalk.Core.Channels.Email;

/// <summary>E-mail's provider (section <c>Channels:Email</c>): simulated, or <c>Smtp</c> through any relay.</summary>
public sealed class EmailOptions : ChannelProviderOptions
{
    public const string Smtp = "Smtp";

    public override int MessagesPerSecond { get; set; } = 50;
}
