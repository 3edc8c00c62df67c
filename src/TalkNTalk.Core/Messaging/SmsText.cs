using System.Buffers;
using System.Globalization;

namespace TalkNTalk.Core.Messaging;

/// <summary>Works out the encoding and segment count of SMS text the way handsets and SMSCs split it.</summary>
public static class SmsText
{
    /// <summary>The most parts a single message may be split into.</summary>
    public const int MaxSegments = 10;

    private const int GsmSingle = 160;
    private const int GsmPart = 153;
    private const int Ucs2Single = 70;
    private const int Ucs2Part = 67;

    // GSM 03.38 default alphabet, in table order; the ESC code (0x1B) is left out because it only introduces the extension table.
    private const string GsmBasic =
        "@£$¥èéùìòÇ\nØø\rÅå" +
        "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
        " !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" +
        "¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Extension table characters are sent as ESC + code, so each costs two septets.
    private const string GsmExtension = "\f^{}\\[~]|€";

    private static readonly SearchValues<char> Extension = SearchValues.Create(GsmExtension);
    private static readonly SearchValues<char> Gsm = SearchValues.Create(GsmBasic + GsmExtension);

    /// <summary>Analyses text for encoding, length and segments; null is treated as empty.</summary>
    public static SmsAnalysis Analyse(string? text)
    {
        text ??= "";
        var characters = 0;
        var nonGsm = new List<string>();
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            characters++;
            var element = elements.GetTextElement();
            if (element.AsSpan().ContainsAnyExcept(Gsm) && !nonGsm.Contains(element))
            {
                nonGsm.Add(element);
            }
        }

        return nonGsm.Count == 0
            ? Pack(SmsEncoding.Gsm7, GsmPieces(text), GsmSingle, GsmPart, characters, nonGsm)
            : Pack(SmsEncoding.Ucs2, Ucs2Pieces(text), Ucs2Single, Ucs2Part, characters, nonGsm);
    }

    private static List<int> GsmPieces(string text) =>
        text.Select(c => Extension.Contains(c) ? 2 : 1).ToList();

    private static List<int> Ucs2Pieces(string text)
    {
        var pieces = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            pieces.Add(pair ? 2 : 1);
            i += pair ? 1 : 0;
        }

        return pieces;
    }

    private static SmsAnalysis Pack(SmsEncoding encoding, List<int> pieces, int single, int part, int characters, IReadOnlyList<string> nonGsm)
    {
        var units = pieces.Sum();
        if (units <= single)
        {
            return new SmsAnalysis(encoding, characters, units, units == 0 ? 0 : 1, single, single - units, nonGsm);
        }

        // Packing piece by piece rather than dividing: an escape pair or surrogate pair can't straddle two
        // parts, so a piece that doesn't fit leaves a gap and starts the next part.
        int segments = 1, used = 0;
        foreach (var piece in pieces)
        {
            if (used + piece > part)
            {
                segments++;
                used = 0;
            }

            used += piece;
        }

        return new SmsAnalysis(encoding, characters, units, segments, part, part - used, nonGsm);
    }
}
