using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Dashboard.Compose;

/// <summary>
/// Who a draft send goes to on its channel, as compose counts it while the person types: the unique sendable addresses
/// of the chosen books and the pasted numbers (SMS and WhatsApp only), how many of the books' contacts have an address
/// on the channel at all, the pasted entries that are not numbers, and a real contact for the preview. Resolving
/// 300,000 contacts takes a moment, so a recount waits for a pause and a newer one cancels it.
/// </summary>
public sealed class ComposeRecipients(RecipientResolver resolver, ContactService contacts, TimeSpan pause)
{
    public const long MaxFileBytes = 1024 * 1024;

    private CancellationTokenSource? pending;

    public IReadOnlyCollection<Guid> Books { get; private set; } = [];
    public Channel Channel { get; private set; } = Channel.Sms;
    public string? Numbers { get; private set; }
    public int Count { get; private set; }
    public bool Counting { get; private set; }
    public IReadOnlyList<string> Invalid { get; private set; } = [];

    /// <summary>The chosen books' contacts and how many of them have an address on the channel; null without books.</summary>
    public ChannelReach? Reach { get; private set; }

    /// <summary>An active contact of the first book (one the channel reaches, when there is), for the preview; a made-up one until there is a book.</summary>
    public Recipient Sample { get; private set; } = new("254712345678", Network.Safaricom, "Wanjiku", "Kamau", null);

    /// <summary>The pasted entries, one per number, whatever the channel.</summary>
    public IReadOnlyList<string> NumberList => Split(Numbers);

    /// <summary>The pasted entries as the send receives them: typed numbers reach SMS and WhatsApp only, so none on another channel.</summary>
    public IReadOnlyList<string> NumbersToSend => Channel.UsesMobile() ? NumberList : [];

    public Task SetChannelAsync(Guid organisationId, Channel channel)
    {
        Channel = channel;
        return RecountAsync(organisationId);
    }

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
            // Nothing chosen, nothing to wait for (a new channel on an empty form, the page's first render).
            if (Books.Count > 0 || NumbersToSend.Count > 0)
                await Task.Delay(pause, token);
            var unique = new HashSet<string>(StringComparer.Ordinal);
            var books = Books.ToList();
            ChannelReach? reach = null;
            if (books.Count > 0)
            {
                var resolved = await resolver.ResolveAsync(organisationId, books, channel: Channel, ct: token);
                unique.UnionWith(resolved.Recipients.Select(r => r.Address));
                reach = new ChannelReach(resolved.ContactRows, resolved.ContactRows - resolved.WithoutAddress);
                // A contact the channel reaches, if one of the first few is: the preview is of someone who will get it.
                var firstFew = (await contacts.QueryAsync(organisationId, books[0], new ContactQuery(Status: ContactStatus.Active, Take: 50), token)).Items;
                if ((firstFew.FirstOrDefault(c => c.AddressFor(Channel) is not null) ?? firstFew.FirstOrDefault()) is { } first)
                    Sample = new Recipient(first.AddressFor(Channel) ?? first.Mobile ?? first.PrimaryAddress, first.Network, first.FirstName, first.LastName,
                        ContactFields.Serialize(first.CustomFields));
            }
            var invalid = new List<string>();
            var typed = NumbersToSend;
            // Pasted numbers meet the same opt-outs as the books' (the send refuses them too).
            var optedOut = typed.Count == 0 ? null : await resolver.OptedOutAsync(organisationId, Channel, token);
            foreach (var raw in typed)
            {
                if (!PhoneNumber.TryParse(raw, out var phone, out _))
                    invalid.Add(raw);
                else if (!optedOut!.Contains(phone.Msisdn))
                    unique.Add(phone.Msisdn);
            }
            Invalid = invalid;
            Reach = reach;
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

/// <summary>The chosen books' contacts (every row) and how many of them have an address on the channel.</summary>
public sealed record ChannelReach(int Contacts, int WithAddress);
