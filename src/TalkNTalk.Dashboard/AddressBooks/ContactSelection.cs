using TalkNTalk.Core.AddressBooks;

namespace TalkNTalk.Dashboard.AddressBooks;

/// <summary>
/// Which contacts a bulk action applies to: ticked rows, the whole page, or every contact matching the search and
/// filters ("all N matching"), which is kept as a flag and resolved to ids only when an action runs.
/// </summary>
public sealed class ContactSelection
{
    private readonly Dictionary<long, ContactView> _picked = [];

    public IReadOnlyList<ContactView> Page { get; private set; } = [];
    public int Matching { get; private set; }
    public bool AllMatching { get; private set; }

    public int Count => AllMatching ? Matching : _picked.Count;
    public bool Any => Count > 0;
    public bool WholePage => Page.Count > 0 && Page.All(c => _picked.ContainsKey(c.Id));
    public bool CanSelectAllMatching => !AllMatching && WholePage && Matching > Page.Count;
    public bool? PageState => AllMatching || WholePage ? true : Page.Any(c => _picked.ContainsKey(c.Id)) ? null : false;
    public IReadOnlyCollection<ContactView> Picked => _picked.Values;

    public bool Contains(ContactView contact) => AllMatching || _picked.ContainsKey(contact.Id);

    /// <summary>A new page arrived; ticks on earlier pages stay, "all matching" stays while the query is the same.</summary>
    public void ShowPage(IReadOnlyList<ContactView> page, int matching)
    {
        Page = page;
        Matching = matching;
    }

    public void Toggle(ContactView contact)
    {
        if (AllMatching)
        {
            // Leaving "all matching" by unticking one row keeps the rest of the page ticked.
            AllMatching = false;
            foreach (var c in Page)
                _picked[c.Id] = c;
        }
        if (!_picked.Remove(contact.Id))
            _picked[contact.Id] = contact;
    }

    public void TogglePage()
    {
        if (AllMatching || WholePage)
        {
            Clear();
            return;
        }
        foreach (var c in Page)
            _picked[c.Id] = c;
    }

    public void SelectAllMatching() => AllMatching = true;

    public void Clear()
    {
        AllMatching = false;
        _picked.Clear();
    }
}
