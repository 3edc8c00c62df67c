using TalkNTalk.Core.Phones;

namespace TalkNTalk.Dashboard.Shared;

/// <summary>One choice of a filter drop-down: the value and what the user reads.</summary>
public sealed record Option<T>(T Value, string Text);

/// <summary>Choices several filter bars share.</summary>
public static class FilterChoices
{
    public static readonly IReadOnlyList<Option<Network?>> Networks =
        [new(Network.Safaricom, "Safaricom"), new(Network.Airtel, "Airtel"), new(Network.Telkom, "Telkom"), new(Network.Unknown, "Unknown")];
}
