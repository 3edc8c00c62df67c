using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Dashboard.Compose;

/// <summary>
/// Who a draft send goes to, as compose counts it while the person types: the unique active numbers of the chosen
/// books and the pasted numbers, the pasted entries that are not numbers, and a real contact for the preview.
/// Resolving 300,000 contacts takes a moment, so a recount waits for a pause and a newer one cancels it.
/// </summary>
public sealed class ComposeRecipients(RecipientResolver resolver, ContactService contacts, TimeSpan pause)
{
    public const long MaxFileBytes = 1024 * 1024;

    private CancellationTokenSource? pending;

    public IReadOnlyCollection<Guid> Books { get; private set; } = [];
    public string? Numbers { get; private set; }
    public int Count { get; private set; }
    public bool Counting { get; private set; }
    public IReadOnlyList<string> Invalid { get; private set; } = [];

    /// <summary>The first active contact of the first book, for the preview; a made-up one until there is a book.</summary>
    public Recipient Sample { get; private set; } = new("254712345678", Network.Safaricom, "Wanjiku", "Kamau", null);

    /// <summary>The pasted entries, one per number, as the send receives them.</summary>
    public IReadOnlyList<string> NumberList => Split(Numbers);

    public Task SetBooksAsync(Guid organisationId, IReadOnlyCollection<Guid>? books)
    {
        Books = books?.ToList() ?? [];
        return RecountAsync(organisationId);
    }

    public Task SetNumbersAsync(Guid organisationId, string? numbers)
    {
        Numbers = numbers;
        return RecountAsync(organisationId);
    }

    /// <summary>Adds the numbers of a small file (the first field of each line that has a digit) to the pasted ones.</summary>
    public async Task AddFileAsync(Guid organisationId, Stream file)
    {
        using var reader = new StreamReader(file);
        var lines = new List<string>(NumberList);
        while (await reader.ReadLineAsync() is { } line)
        {
            var first = line.Split([',', ';', '\t'])[0].Trim().Trim('"');
            if (first.Any(char.IsAsciiDigit))
                lines.Add(first);
        }
        await SetNumbersAsync(organisationId, string.Join('\n', lines));
    }

    private async Task RecountAsync(Guid organisationId)
    {
        pending?.Cancel();
        pending = new CancellationTokenSource();
        var token = pending.Token;
        Counting = true;
        try
        {
            await Task.Delay(pause, token);
            var unique = new HashSet<string>(StringComparer.Ordinal);
            var books = Books.ToList();
            if (books.Count > 0)
            {
                var resolved = await resolver.ResolveAsync(organisationId, books, ct: token);
                unique.UnionWith(resolved.Recipients.Select(r => r.Address));
                var first = (await contacts.QueryAsync(organisationId, books[0], new ContactQuery(Status: ContactStatus.Active, Take: 1), token)).Items.FirstOrDefault();
                if (first is not null)
                    Sample = new Recipient(first.Mobile ?? first.PrimaryAddress, first.Network, first.FirstName, first.LastName, ContactFields.Serialize(first.CustomFields));
            }
            var invalid = new List<string>();
            foreach (var raw in NumberList)
            {
                if (PhoneNumber.TryParse(raw, out var phone, out _))
                    unique.Add(phone.Msisdn);
                else
                    invalid.Add(raw);
            }
            Invalid = invalid;
            Count = unique.Count;
            Counting = false;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static List<string> Split(string? text) =>
        (text ?? "").Split(['\n', '\r', ',', ';', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
