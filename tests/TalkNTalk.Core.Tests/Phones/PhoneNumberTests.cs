using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Tests.Phones;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("0712345678")]
    [InlineData("0712 345 678")]
    [InlineData("0712-345-678")]
    [InlineData("0712.345.678")]
    [InlineData("(0712) 345 678")]
    [InlineData("0 7 1 2 3 4 5 6 7 8")]
    [InlineData("  0712345678\t")]
    [InlineData("0712\u00A0345\u00A0678")]
    [InlineData("712345678")]
    [InlineData("712 345 678")]
    [InlineData("+254712345678")]
    [InlineData("+254 712 345 678")]
    [InlineData("+254-712-345-678")]
    [InlineData("+(254) 712 345 678")]
    [InlineData("254712345678")]
    [InlineData("254 712 345678")]
    [InlineData("00254712345678")]
    [InlineData("00 254 712 345 678")]
    [InlineData("+254 (0) 712 345 678")]
    [InlineData("2540712345678")]
    [InlineData("2.54712345678E+11")]
    [InlineData("2.54712345678e+11")]
    [InlineData("2.54712345678E11")]
    [InlineData("2,54712345678E+11")]
    [InlineData("7.12345678E+08")]
    [InlineData("7.123456780E+8")]
    public void Accepts_every_common_format_of_a_07_number(string input)
    {
        Assert.True(PhoneNumber.TryParse(input, out var phone, out var error), error);
        Assert.Null(error);
        Assert.Equal("254712345678", phone.Msisdn);
        Assert.Equal(Network.Safaricom, phone.Network);
    }

    [Theory]
    [InlineData("0112345678")]
    [InlineData("0112 345 678")]
    [InlineData("112345678")]
    [InlineData("+254112345678")]
    [InlineData("+254 112 345 678")]
    [InlineData("254112345678")]
    [InlineData("00254112345678")]
    [InlineData("2.54112345678E+11")]
    [InlineData("1.12345678E+08")]
    public void Accepts_every_common_format_of_a_01_number(string input)
    {
        var phone = PhoneNumber.Parse(input);

        Assert.Equal("254112345678", phone.Msisdn);
        Assert.Equal(Network.Safaricom, phone.Network);
    }

    [Theory]
    [InlineData("0700000000", Network.Safaricom)]
    [InlineData("0729999999", Network.Safaricom)]
    [InlineData("0730000000", Network.Airtel)]
    [InlineData("0739999999", Network.Airtel)]
    [InlineData("0740000000", Network.Safaricom)]
    [InlineData("0749999999", Network.Safaricom)]
    [InlineData("0750000000", Network.Airtel)]
    [InlineData("0756999999", Network.Airtel)]
    [InlineData("0757000000", Network.Safaricom)]
    [InlineData("0759999999", Network.Safaricom)]
    [InlineData("0760000000", Network.Unknown)]
    [InlineData("0767999999", Network.Unknown)]
    [InlineData("0768000000", Network.Safaricom)]
    [InlineData("0769999999", Network.Safaricom)]
    [InlineData("0770000000", Network.Telkom)]
    [InlineData("0779999999", Network.Telkom)]
    [InlineData("0780000000", Network.Unknown)]
    [InlineData("0784999999", Network.Unknown)]
    [InlineData("0785000000", Network.Airtel)]
    [InlineData("0789999999", Network.Airtel)]
    [InlineData("0790000000", Network.Safaricom)]
    [InlineData("0799999999", Network.Safaricom)]
    [InlineData("0100000000", Network.Airtel)]
    [InlineData("0102999999", Network.Airtel)]
    [InlineData("0103000000", Network.Unknown)]
    [InlineData("0109999999", Network.Unknown)]
    [InlineData("0110000000", Network.Safaricom)]
    [InlineData("0115999999", Network.Safaricom)]
    [InlineData("0116000000", Network.Unknown)]
    [InlineData("0199999999", Network.Unknown)]
    public void Detects_the_network_at_every_prefix_boundary(string local, Network expected)
    {
        var phone = PhoneNumber.Parse(local);

        Assert.Equal(expected, phone.Network);
        Assert.Equal(expected, KenyanNetworks.Detect(phone.Msisdn));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2547")]
    [InlineData("25471")]
    [InlineData("0712345678")]
    [InlineData("44712345678")]
    [InlineData("254ABC345678")]
    public void Detect_returns_unknown_for_malformed_msisdns(string? msisdn)
    {
        Assert.Equal(Network.Unknown, KenyanNetworks.Detect(msisdn));
    }

    [Fact]
    public void Detect_accepts_a_prefix_without_the_full_number()
    {
        Assert.Equal(Network.Airtel, KenyanNetworks.Detect("254733"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_input_asks_for_a_number(string? input)
    {
        Assert.False(PhoneNumber.TryParse(input, out var phone, out var error));
        Assert.Equal("Enter a Kenyan mobile number such as 0712 345 678 or +254 712 345 678.", error);
        Assert.Equal(default(PhoneNumber), phone);
    }

    [Theory]
    [InlineData("07123", "'07123' is too short: a Kenyan mobile has 9 digits after 0 (07XX XXX XXX).")]
    [InlineData("+44 20 7946 0958", "'+44 20 7946 0958' is not a Kenyan number (+254).")]
    public void Errors_match_the_agreed_wording(string input, string expected)
    {
        Assert.False(PhoneNumber.TryParse(input, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("0712abc678", "contains letters")]
    [InlineData("call me", "contains letters")]
    [InlineData("0712#345678", "contains '#'")]
    [InlineData("0712/345/678", "contains '/'")]
    [InlineData("0712_345_678", "contains '_'")]
    [InlineData("07+12345678", "'+' in the wrong place")]
    [InlineData("++254712345678", "'+' in the wrong place")]
    [InlineData("---", "has no digits")]
    [InlineData("( )", "has no digits")]
    [InlineData("+", "has no digits")]
    [InlineData("0", "too short")]
    [InlineData("07123", "too short")]
    [InlineData("071234567", "too short")]
    [InlineData("71234567", "too short")]
    [InlineData("254", "too short")]
    [InlineData("+254", "too short")]
    [InlineData("+25471234567", "too short")]
    [InlineData("07123456789", "too long")]
    [InlineData("7123456789", "too long")]
    [InlineData("+2547123456789", "too long")]
    [InlineData("002547123456789", "too long")]
    [InlineData("+44 20 7946 0958", "not a Kenyan number (+254)")]
    [InlineData("0044 20 7946 0958", "not a Kenyan number (+254)")]
    [InlineData("+255712345678", "not a Kenyan number (+254)")]
    [InlineData("+1 (555) 123-4567", "not a Kenyan number (+254)")]
    [InlineData("+0712345678", "mixes formats")]
    [InlineData("0212345678", "must continue with 7 or 1")]
    [InlineData("020 1234567", "must continue with 7 or 1")]
    [InlineData("812345678", "must continue with 7 or 1")]
    [InlineData("+254 212 345 678", "must continue with 7 or 1")]
    [InlineData("0812345678", "must continue with 7 or 1")]
    [InlineData("2.54712E+11", "scientific notation that has lost digits")]
    [InlineData("7.12345678E+11", "scientific notation that has lost digits")]
    [InlineData("7.123456789E+3", "scientific notation that has lost digits")]
    [InlineData("0E+0", "scientific notation that has lost digits")]
    public void Explains_what_is_wrong(string input, string expectedFragment)
    {
        Assert.False(PhoneNumber.TryParse(input, out var phone, out var error));
        Assert.NotNull(error);
        Assert.Contains(expectedFragment, error);
        Assert.StartsWith($"'{input.Trim()}'", error);
        Assert.Equal(default(PhoneNumber), phone);
    }

    // Spreadsheets and phones type digits of other scripts (Arabic-Indic ٧, Devanagari ८, full-width ７); \d and
    // char.IsDigit accept them all, and such a "number" was once stored as 25471200000٧.
    [Theory]
    [InlineData("7.1200000\u0667E+8")]
    [InlineData("7.12000005E+\u0668")]
    [InlineData("\u0667.12000005E+8")]
    [InlineData("071200000\u0667")]
    [InlineData("0\u096D12345678")]
    [InlineData("\uFF10\uFF17\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18")]
    [InlineData("+254 71200000\u0667")]
    public void Only_ascii_digits_make_a_number(string input)
    {
        Assert.False(PhoneNumber.TryParse(input, out _, out var error));
        Assert.Contains("digit of another script", error);
        Assert.Throws<FormatException>(() => PhoneNumber.Parse(input));
    }

    [Fact]
    public void Long_junk_is_shortened_in_the_error()
    {
        var input = new string('x', 200);

        Assert.False(PhoneNumber.TryParse(input, out _, out var error));
        Assert.True(error.Length < 200, error);
        Assert.Contains("…'", error);
    }

    [Fact]
    public void Parse_throws_format_exception_with_the_error()
    {
        var exception = Assert.Throws<FormatException>(() => PhoneNumber.Parse("07123"));

        Assert.Equal("'07123' is too short: a Kenyan mobile has 9 digits after 0 (07XX XXX XXX).", exception.Message);
    }

    [Fact]
    public void Formats_the_number_for_storage_locals_and_display()
    {
        var phone = PhoneNumber.Parse("+254 (0)733-123-456");

        Assert.Equal("254733123456", phone.Msisdn);
        Assert.Equal("254733123456", phone.ToString());
        Assert.Equal("0733123456", phone.Local);
        Assert.Equal("+254 733 123 456", phone.Display);
        Assert.Equal(Network.Airtel, phone.Network);
    }

    [Fact]
    public void Equal_numbers_in_different_formats_are_equal()
    {
        Assert.Equal(PhoneNumber.Parse("0712 345 678"), PhoneNumber.Parse("+254712345678"));
    }

    [Theory]
    [InlineData("0712", "254712")]
    [InlineData("+254712", "254712")]
    [InlineData("254712", "254712")]
    [InlineData("00254712", "254712")]
    [InlineData("712 34", "71234")]
    [InlineData("(0712) 345-6", "2547123456")]
    [InlineData("0", "254")]
    [InlineData("007", "7")]
    [InlineData("345", "345")]
    [InlineData("0712345678", "254712345678")]
    public void DigitsForSearch_matches_how_numbers_are_stored(string input, string expected)
    {
        Assert.Equal(expected, PhoneNumber.DigitsForSearch(input));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("+-()")]
    [InlineData("00")]
    public void DigitsForSearch_is_null_without_digits(string? input)
    {
        Assert.Null(PhoneNumber.DigitsForSearch(input));
    }

    [Theory]
    [InlineData(Network.Safaricom, "safaricom")]
    [InlineData(Network.Airtel, "airtel")]
    [InlineData(Network.Telkom, "telkom")]
    [InlineData(Network.Unknown, "unknown")]
    [InlineData((Network)42, "unknown")]
    public void Networks_have_lowercase_api_names(Network network, string expected)
    {
        Assert.Equal(expected, network.ToApiName());
    }

    [Theory]
    [InlineData("safaricom", Network.Safaricom)]
    [InlineData("Safaricom", Network.Safaricom)]
    [InlineData("AIRTEL", Network.Airtel)]
    [InlineData(" telkom ", Network.Telkom)]
    [InlineData("unknown", Network.Unknown)]
    public void Network_names_parse_case_insensitively(string name, Network expected)
    {
        Assert.True(NetworkNames.TryParse(name, out var network));
        Assert.Equal(expected, network);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("vodafone")]
    [InlineData("1")]
    [InlineData("safari com")]
    public void Unrecognised_network_names_do_not_parse(string? name)
    {
        Assert.False(NetworkNames.TryParse(name, out var network));
        Assert.Equal(Network.Unknown, network);
    }
}
