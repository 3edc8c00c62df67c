using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TalkNTalk.Core.Phones;

/// <summary>A Kenyan mobile number as its MSISDN (254 followed by 9 digits starting 7 or 1) and its network.</summary>
public readonly partial record struct PhoneNumber(string Msisdn, Network Network)
{
    public const string CountryCode = "254";
    private const int NationalDigits = 9;
    private const string Example = "0712 345 678 or +254 712 345 678";

    /// <summary>The number as written within Kenya, e.g. 0712345678.</summary>
    public string Local => "0" + Msisdn[CountryCode.Length..];

    /// <summary>The number grouped for reading, e.g. +254 712 345 678.</summary>
    public string Display => $"+{CountryCode} {Msisdn[3..6]} {Msisdn[6..9]} {Msisdn[9..]}";

    /// <summary>The local number grouped for reading, e.g. 0712 345 678.</summary>
    public string LocalDisplay => $"0{Msisdn[3..6]} {Msisdn[6..9]} {Msisdn[9..]}";

    /// <summary>The MSISDN, e.g. 254712345678.</summary>
    public override string ToString() => Msisdn;

    /// <summary>Parses a Kenyan mobile number in any common format; throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static PhoneNumber Parse(string input) =>
        TryParse(input, out var phone, out var error) ? phone : throw new FormatException(error);

    /// <summary>Parses a Kenyan mobile number; on failure returns false with a message telling the user what to fix.</summary>
    public static bool TryParse([NotNullWhen(true)] string? input, out PhoneNumber phone, [NotNullWhen(false)] out string? error)
    {
        error = Normalise(input, out var national);
        if (error is not null)
        {
            phone = default;
            return false;
        }

        var msisdn = CountryCode + national;
        phone = new PhoneNumber(msisdn, KenyanNetworks.Detect(msisdn));
        return true;
    }

    /// <summary>Turns a partial number typed into a search box into digits to substring-match against stored MSISDNs; null if it has no digits.</summary>
    public static string? DigitsForSearch(string? input)
    {
        var digits = string.Concat((input ?? "").Where(char.IsAsciiDigit));
        if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }

        if (digits.Length == 0)
        {
            return null;
        }

        // Stored numbers never contain the local trunk 0, so "0712" must search as "254712";
        // anything else (including a leading 254) is already a fragment of a stored number.
        return digits[0] == '0' ? CountryCode + digits[1..] : digits;
    }

    private static string? Normalise(string? input, out string national)
    {
        national = "";
        var text = input?.Trim() ?? "";
        if (text.Length == 0)
        {
            return $"Enter a Kenyan mobile number such as {Example}.";
        }

        var quoted = Quote(text);
        // Only 0-9 make a number: \d and char.IsDigit also take ٧ (Arabic-Indic), ८ (Devanagari), ７ (full width)...
        foreach (var c in text)
        {
            if (char.IsDigit(c) && !char.IsAsciiDigit(c))
            {
                return $"{quoted} contains '{c}', a digit of another script: type the number with the digits 0 to 9, such as {Example}.";
            }
        }

        string digits;
        var international = false;
        var scientific = Scientific().Match(text);
        if (scientific.Success)
        {
            var expanded = ExpandScientific(scientific);
            if (expanded is null)
            {
                return $"{quoted} is a spreadsheet number in scientific notation that has lost digits. Format the column as Text and enter the full number.";
            }

            digits = expanded;
        }
        else
        {
            var error = ExtractDigits(text, quoted, out digits, out international);
            if (error is not null)
            {
                return error;
            }
        }

        var hasCountryCode = international || digits.StartsWith("00", StringComparison.Ordinal);
        var rest = digits;
        if (hasCountryCode)
        {
            var withCode = international ? digits : digits[2..];
            if (!withCode.StartsWith(CountryCode, StringComparison.Ordinal))
            {
                return international && withCode.StartsWith('0')
                    ? $"{quoted} mixes formats: drop the + (0712 345 678) or add the country code (+254 712 345 678)."
                    : $"{quoted} is not a Kenyan number (+254).";
            }

            rest = withCode[CountryCode.Length..];
        }
        else if (digits.StartsWith(CountryCode, StringComparison.Ordinal))
        {
            hasCountryCode = true;
            rest = digits[CountryCode.Length..];
        }
        else if (digits[0] == '0')
        {
            rest = digits[1..];
        }

        // "+254 (0)712 345 678" is a common way to show the trunk 0; it is not part of the number.
        if (hasCountryCode && rest.StartsWith('0'))
        {
            rest = rest[1..];
        }

        if (rest.Length > 0 && rest[0] is not ('7' or '1'))
        {
            return $"{quoted} is not a Kenyan mobile number: after 0 (or +254) it must continue with 7 or 1, as in 0712 345 678 or 0112 345 678.";
        }

        if (rest.Length != NationalDigits)
        {
            var problem = rest.Length < NationalDigits ? "too short" : "too long";
            return $"{quoted} is {problem}: a Kenyan mobile has 9 digits after 0 (07XX XXX XXX).";
        }

        national = rest;
        return null;
    }

    private static string? ExtractDigits(string text, string quoted, out string digits, out bool international)
    {
        var builder = new StringBuilder(text.Length);
        international = false;
        digits = "";
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                builder.Append(c);
            }
            else if (c == '+' && builder.Length == 0 && !international)
            {
                international = true;
            }
            else if (c == '+')
            {
                return $"{quoted} has a '+' in the wrong place: it may only come first, as in +254 712 345 678.";
            }
            else if (char.IsLetter(c))
            {
                return $"{quoted} contains letters: a phone number has only digits, such as {Example}.";
            }
            else if (!char.IsWhiteSpace(c) && c is not ('-' or '.' or '(' or ')'))
            {
                return $"{quoted} contains '{c}', which is not allowed: use only digits, spaces, dashes, dots or brackets, such as {Example}.";
            }
        }

        digits = builder.ToString();
        return digits.Length == 0 ? $"{quoted} has no digits. Enter a Kenyan mobile number such as {Example}." : null;
    }

    // Spreadsheets show 254712345678 as 2.54712345678E+11, or worse as 2.54712E+11 once
    // the column is narrow. Only accept it when every digit survived, i.e. no zero padding is needed.
    private static string? ExpandScientific(Match match)
    {
        var whole = match.Groups["whole"].Value;
        var fraction = match.Groups["fraction"].Value;
        var exponent = int.Parse(match.Groups["exponent"].Value, CultureInfo.InvariantCulture);
        while (fraction.Length > exponent && fraction.EndsWith('0'))
        {
            fraction = fraction[..^1];
        }

        if (fraction.Length != exponent)
        {
            return null;
        }

        var digits = (whole + fraction).TrimStart('0');
        return digits.Length == 0 ? null : digits;
    }

    // Long pasted junk would otherwise flood the error message.
    private static string Quote(string text) => text.Length <= 40 ? $"'{text}'" : $"'{text[..37]}…'";

    // [0-9], not \d: \d matches every script's digits (٧, ८), and a number is ASCII digits only.
    [GeneratedRegex(@"^(?<whole>[0-9]+)(?:[.,](?<fraction>[0-9]+))?[eE]\+?(?<exponent>[0-9]{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Scientific();
}
