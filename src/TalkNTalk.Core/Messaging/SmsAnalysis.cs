namespace TalkNTalk.Core.Messaging;

/// <summary>What a message costs in SMS terms: its encoding, size and how it splits into billable segments.</summary>
/// <param name="Encoding">GSM-7 unless a character forces UCS-2.</param>
/// <param name="Characters">Characters as the user sees them (text elements), e.g. an emoji counts once.</param>
/// <param name="Units">GSM septets (extension characters count 2) or UTF-16 code units for UCS-2.</param>
/// <param name="Segments">Billable parts; 0 for empty text.</param>
/// <param name="PerSegment">Units that fit in one part at the current length: 160/153 for GSM-7, 70/67 for UCS-2.</param>
/// <param name="RemainingInSegment">Units still free in the last part before another one is needed.</param>
/// <param name="NonGsmCharacters">Distinct characters, in order of first use, that forced UCS-2.</param>
public sealed record SmsAnalysis(
    SmsEncoding Encoding,
    int Characters,
    int Units,
    int Segments,
    int PerSegment,
    int RemainingInSegment,
    IReadOnlyList<string> NonGsmCharacters)
{
    /// <summary>True when the message needs more parts than the product sends (<see cref="SmsText.MaxSegments"/>).</summary>
    public bool IsTooLong => Segments > SmsText.MaxSegments;
}
