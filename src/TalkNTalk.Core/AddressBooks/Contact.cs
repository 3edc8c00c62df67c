using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.AddressBooks;

/// <summary>Opted-out contacts stay in the book (so a re-import cannot silently re-add them) but are never sent to.</summary>
public enum ContactStatus { Active = 0, OptedOut = 1 }

/// <summary>
/// One person in one address book. The same mobile may sit in several books (one row each); sends de-duplicate
/// across books, and an opt-out anywhere in the organisation keeps the number out of every send.
/// </summary>
public sealed class Contact
{
    public const int MaxNameLength = 100;

    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid AddressBookId { get; set; }

    /// <summary>Normalised <c>254XXXXXXXXX</c>; unique within the book.</summary>
    public required string Mobile { get; set; }

    public Network Network { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }

    /// <summary>Extra columns from an import, as a JSON object of strings (see <see cref="ContactFields"/>).</summary>
    public string? CustomFields { get; set; }

    public ContactStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
