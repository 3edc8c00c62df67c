namespace TalkNTalk.Core.AddressBooks.Import;

/// <summary>
/// Recognises the header spellings people use for a number, the other addresses and names ("Phone Number", "Mobile No.",
/// "MSISDN", "E-mail", "Surname", "Full Name"), ignoring case, spaces and punctuation; splits a full name into first and last.
/// </summary>
public static class ImportColumns
{
    private static readonly HashSet<string> Mobile =
    [
        "mobile", "mobileno", "mobilenumber", "mobilephone", "phone", "phoneno", "phonenumber", "msisdn", "telephone",
        "telephoneno", "telephonenumber", "tel", "telno", "cell", "cellphone", "cellno", "number", "simu", "namba", "nambayasimu",
    ];
    private static readonly HashSet<string> FirstName = ["firstname", "first", "givenname", "forename", "othernames", "jina", "jinalakwanza"];
    private static readonly HashSet<string> LastName = ["lastname", "last", "surname", "familyname", "jinalaukoo"];
    private static readonly HashSet<string> FullName = ["fullname", "name", "names", "contactname", "customername", "majina"];
    private static readonly HashSet<string> Email = ["email", "emailaddress", "mail", "emailid", "barua", "baruapepe"];
    private static readonly HashSet<string> Telegram = ["telegram", "telegramchatid", "telegramid", "chatid"];
    private static readonly HashSet<string> Slack = ["slack", "slackid", "slackmemberid", "slackuserid", "memberid"];

    /// <summary>A header reduced to lower-case letters and digits: "Mobile No." and "mobile_no" both become "mobileno".</summary>
    public static string Normalize(string header) =>
        new(header.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    public static int? MobileColumn(IReadOnlyList<string> headers) => Find(headers, Mobile);
    public static int? FirstNameColumn(IReadOnlyList<string> headers) => Find(headers, FirstName);
    public static int? LastNameColumn(IReadOnlyList<string> headers) => Find(headers, LastName);
    public static int? FullNameColumn(IReadOnlyList<string> headers) => Find(headers, FullName);
    public static int? EmailColumn(IReadOnlyList<string> headers) => Find(headers, Email);
    public static int? TelegramColumn(IReadOnlyList<string> headers) => Find(headers, Telegram);
    public static int? SlackColumn(IReadOnlyList<string> headers) => Find(headers, Slack);

    /// <summary>"Wanjiku Kamau" → ("Wanjiku", "Kamau"); "Mary Wanjiku Kamau" → ("Mary", "Wanjiku Kamau"); one word is a first name.</summary>
    public static (string? First, string? Last) SplitFullName(string? fullName)
    {
        var parts = (fullName ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length switch
        {
            0 => (null, null),
            1 => (parts[0], null),
            _ => (parts[0], string.Join(' ', parts[1..])),
        };
    }

    private static int? Find(IReadOnlyList<string> headers, HashSet<string> names)
    {
        for (var i = 0; i < headers.Count; i++)
            if (names.Contains(Normalize(headers[i])))
                return i;
        return null;
    }
}
