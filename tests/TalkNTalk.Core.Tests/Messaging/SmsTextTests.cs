using TalkNTalk.Core.Messaging;

namespace TalkNTalk.Core.Tests.Messaging;

public sealed class SmsTextTests
{
    // Every character of the GSM 03.38 default table except ESC (0x1B), which only introduces the extension table.
    private const string GsmBasicTable =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private static string Plain(int count) => new('a', count);

    [Fact]
    public void Empty_text_has_no_segments()
    {
        var analysis = SmsText.Analyse("");

        Assert.Equal(SmsEncoding.Gsm7, analysis.Encoding);
        Assert.Equal(0, analysis.Characters);
        Assert.Equal(0, analysis.Units);
        Assert.Equal(0, analysis.Segments);
        Assert.Equal(160, analysis.PerSegment);
        Assert.Equal(160, analysis.RemainingInSegment);
        Assert.Empty(analysis.NonGsmCharacters);
        Assert.False(analysis.IsTooLong);
    }

    [Fact]
    public void Null_text_is_treated_as_empty()
    {
        var analysis = SmsText.Analyse(null);

        Assert.Equal(0, analysis.Segments);
        Assert.Equal(SmsEncoding.Gsm7, analysis.Encoding);
    }

    [Fact]
    public void The_whole_basic_table_is_gsm_at_one_unit_each()
    {
        Assert.Equal(127, GsmBasicTable.Length);

        var analysis = SmsText.Analyse(GsmBasicTable);

        Assert.Equal(SmsEncoding.Gsm7, analysis.Encoding);
        Assert.Equal(127, analysis.Units);
        Assert.Empty(analysis.NonGsmCharacters);
    }

    [Theory]
    [InlineData("^")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("\\")]
    [InlineData("[")]
    [InlineData("~")]
    [InlineData("]")]
    [InlineData("|")]
    [InlineData("€")]
    [InlineData("\f")]
    public void Extension_characters_cost_two_units(string character)
    {
        var analysis = SmsText.Analyse(character);

        Assert.Equal(SmsEncoding.Gsm7, analysis.Encoding);
        Assert.Equal(1, analysis.Characters);
        Assert.Equal(2, analysis.Units);
        Assert.Equal(158, analysis.RemainingInSegment);
    }

    [Theory]
    [InlineData("Habari yako? Karibu sana, tutaonana kesho saa tatu asubuhi.")]
    [InlineData("Lipa KES 1,500 kwa M-Pesa: Paybill 123456, Akaunti #A/B-9.")]
    [InlineData("Café à Nairobi: é è ù ì ò Ç Ø ø Å å Ä Ö Ñ Ü ä ö ñ ü ß Æ æ É")]
    [InlineData("Price £5 ¥6 $7 ¤8 §9 ¿Qué? ¡Si! @home_now")]
    [InlineData("ΔΦΓΛΩΠΨΣΘΞ")]
    [InlineData("Line one\nLine two\r\nLine three")]
    [InlineData("Use {code} [now] ~ ^ | \\ €10")]
    public void Gsm_text_stays_gsm(string text)
    {
        var analysis = SmsText.Analyse(text);

        Assert.Equal(SmsEncoding.Gsm7, analysis.Encoding);
        Assert.Empty(analysis.NonGsmCharacters);
    }

    [Theory]
    [InlineData("Ni poa sana \u00EA", "\u00EA")] // ê
    [InlineData("Bonjour á", "á")]
    [InlineData("garçon", "ç")]
    [InlineData("\u201CHello\u201D", "\u201C", "\u201D")]
    [InlineData("It\u2019s here", "\u2019")]
    [InlineData("\u2018hi\u2019 \u2018there\u2019", "\u2018", "\u2019")]
    [InlineData("Asante \uD83D\uDE4F\uD83D\uDE4F", "\uD83D\uDE4F")] // 🙏 twice, listed once
    [InlineData("Tab\there", "\t")]
    [InlineData("back`tick", "`")]
    [InlineData("Bei \u2013 KES 50", "\u2013")] // en dash
    [InlineData("Ω vs \u2126", "\u2126")] // Greek omega is GSM, the ohm sign is not
    [InlineData("Habari \u0928", "\u0928")]
    public void Non_gsm_characters_force_ucs2_and_are_listed(string text, params string[] expected)
    {
        var analysis = SmsText.Analyse(text);

        Assert.Equal(SmsEncoding.Ucs2, analysis.Encoding);
        Assert.Equal(expected, analysis.NonGsmCharacters);
    }

    [Fact]
    public void E_acute_is_gsm_but_e_circumflex_is_not()
    {
        Assert.Equal(SmsEncoding.Gsm7, SmsText.Analyse("é").Encoding);
        Assert.Equal(SmsEncoding.Ucs2, SmsText.Analyse("ê").Encoding);
    }

    [Fact]
    public void A_combining_accent_is_listed_with_its_letter()
    {
        var analysis = SmsText.Analyse("Cafe\u0301");

        Assert.Equal(SmsEncoding.Ucs2, analysis.Encoding);
        Assert.Equal(4, analysis.Characters);
        Assert.Equal(5, analysis.Units);
        Assert.Equal(new[] { "e\u0301" }, analysis.NonGsmCharacters);
    }

    [Theory]
    // units, segments, perSegment, remaining
    [InlineData(1, 1, 160, 159)]
    [InlineData(159, 1, 160, 1)]
    [InlineData(160, 1, 160, 0)]
    [InlineData(161, 2, 153, 145)]
    [InlineData(305, 2, 153, 1)]
    [InlineData(306, 2, 153, 0)]
    [InlineData(307, 3, 153, 152)]
    [InlineData(459, 3, 153, 0)]
    [InlineData(460, 4, 153, 152)]
    [InlineData(1530, 10, 153, 0)]
    public void Gsm_segment_boundaries(int length, int segments, int perSegment, int remaining)
    {
        var analysis = SmsText.Analyse(Plain(length));

        Assert.Equal(SmsEncoding.Gsm7, analysis.Encoding);
        Assert.Equal(length, analysis.Characters);
        Assert.Equal(length, analysis.Units);
        Assert.Equal(segments, analysis.Segments);
        Assert.Equal(perSegment, analysis.PerSegment);
        Assert.Equal(remaining, analysis.RemainingInSegment);
    }

    [Theory]
    // before, after, units, segments, remaining
    [InlineData(158, 0, 160, 1, 0)] // € fills a single SMS exactly
    [InlineData(159, 0, 161, 2, 145)] // one septet over: 153 + (6 + €)
    [InlineData(151, 153, 306, 2, 0)] // € is the last two septets of part 1
    [InlineData(152, 10, 164, 2, 141)] // € would straddle parts 1 and 2, so it opens part 2
    [InlineData(152, 151, 305, 2, 0)] // part 1 has a one-septet gap, part 2 is € + 151
    [InlineData(152, 152, 306, 3, 152)] // 306 septets, but the gap pushes the last one into part 3
    [InlineData(305, 0, 307, 3, 151)] // 153 | 152 + gap | €
    public void An_escape_pair_is_never_split_across_gsm_segments(int before, int after, int units, int segments, int remaining)
    {
        var analysis = SmsText.Analyse(Plain(before) + "€" + Plain(after));

        Assert.Equal(SmsEncoding.Gsm7, analysis.Encoding);
        Assert.Equal(before + 1 + after, analysis.Characters);
        Assert.Equal(units, analysis.Units);
        Assert.Equal(segments, analysis.Segments);
        Assert.Equal(remaining, analysis.RemainingInSegment);
    }

    [Theory]
    // length including one 'ê', segments, perSegment, remaining
    [InlineData(1, 1, 70, 69)]
    [InlineData(70, 1, 70, 0)]
    [InlineData(71, 2, 67, 63)]
    [InlineData(134, 2, 67, 0)]
    [InlineData(135, 3, 67, 66)]
    [InlineData(201, 3, 67, 0)]
    [InlineData(202, 4, 67, 66)]
    public void Ucs2_segment_boundaries(int length, int segments, int perSegment, int remaining)
    {
        var analysis = SmsText.Analyse("ê" + Plain(length - 1));

        Assert.Equal(SmsEncoding.Ucs2, analysis.Encoding);
        Assert.Equal(length, analysis.Characters);
        Assert.Equal(length, analysis.Units);
        Assert.Equal(segments, analysis.Segments);
        Assert.Equal(perSegment, analysis.PerSegment);
        Assert.Equal(remaining, analysis.RemainingInSegment);
    }

    [Theory]
    // before, after, units, segments, remaining
    [InlineData(68, 0, 70, 1, 0)] // emoji fills a single SMS exactly
    [InlineData(69, 0, 71, 2, 63)] // 67 | 2 + emoji
    [InlineData(65, 67, 134, 2, 0)] // emoji is the last two units of part 1
    [InlineData(66, 66, 134, 3, 66)] // emoji would straddle parts 1 and 2, so it opens part 2 and pushes one unit into part 3
    [InlineData(66, 65, 133, 2, 0)]
    public void A_surrogate_pair_is_never_split_across_ucs2_segments(int before, int after, int units, int segments, int remaining)
    {
        var analysis = SmsText.Analyse(Plain(before) + "\uD83D\uDE00" + Plain(after)); // 😀

        Assert.Equal(SmsEncoding.Ucs2, analysis.Encoding);
        Assert.Equal(before + 1 + after, analysis.Characters);
        Assert.Equal(units, analysis.Units);
        Assert.Equal(segments, analysis.Segments);
        Assert.Equal(remaining, analysis.RemainingInSegment);
    }

    [Fact]
    public void Characters_count_what_the_user_sees()
    {
        // 👍🏽 is two code points and four UTF-16 units but one visible character.
        var analysis = SmsText.Analyse("Sawa \uD83D\uDC4D\uD83C\uDFFD");

        Assert.Equal(6, analysis.Characters);
        Assert.Equal(9, analysis.Units);
        Assert.Equal(new[] { "\uD83D\uDC4D\uD83C\uDFFD" }, analysis.NonGsmCharacters);
    }

    [Fact]
    public void A_lone_surrogate_still_counts_as_one_unit()
    {
        var analysis = SmsText.Analyse("a\uD83D");

        Assert.Equal(SmsEncoding.Ucs2, analysis.Encoding);
        Assert.Equal(2, analysis.Units);
        Assert.Equal(1, analysis.Segments);
    }

    [Fact]
    public void One_unicode_character_switches_a_long_gsm_message_to_ucs2()
    {
        var gsm = SmsText.Analyse(Plain(150));
        var ucs2 = SmsText.Analyse(Plain(150) + "\u2019");

        Assert.Equal(1, gsm.Segments);
        Assert.Equal(3, ucs2.Segments);
    }

    [Theory]
    [InlineData(1530, false)]
    [InlineData(1531, true)]
    public void Messages_over_the_segment_limit_are_flagged(int length, bool tooLong)
    {
        var analysis = SmsText.Analyse(Plain(length));

        Assert.Equal(10, SmsText.MaxSegments);
        Assert.Equal(tooLong, analysis.IsTooLong);
    }
}
