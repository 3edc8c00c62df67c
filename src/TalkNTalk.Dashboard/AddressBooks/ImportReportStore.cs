using System.Collections.Concurrent;
using TalkNTalk.Core.AddressBooks.Import;

namespace TalkNTalk.Dashboard.AddressBooks;

/// <summary>
/// Keeps the invalid rows of recent imports for an hour, so the report's "download invalid rows" link works
/// without holding them in the page. Entries belong to the organisation that ran the import.
/// </summary>
public sealed class ImportReportStore(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    public Guid Add(Guid organisationId, string bookName, IReadOnlyList<InvalidRow> invalid)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, stale) in _entries)
            if (stale.ExpiresAt < now)
                _entries.TryRemove(key, out _);
        var id = Guid.NewGuid();
        _entries[id] = new Entry(organisationId, bookName, invalid, now + Lifetime);
        return id;
    }

    /// <summary>The rows of an import, or null when unknown, expired or another organisation's.</summary>
    public (string BookName, IReadOnlyList<InvalidRow> Rows)? Find(Guid organisationId, Guid id) =>
        _entries.TryGetValue(id, out var entry) && entry.OrganisationId == organisationId && entry.ExpiresAt >= clock.GetUtcNow()
            ? (entry.BookName, entry.Invalid)
            : null;

    private sealed record Entry(Guid OrganisationId, string BookName, IReadOnlyList<InvalidRow> Invalid, DateTimeOffset ExpiresAt);
}
