namespace TalkNTalk.Core.AddressBooks;

/// <summary>A named list of contacts (the API calls it a group). Names are unique within an organisation.</summary>
public sealed class AddressBook
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 500;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }

    /// <summary>Upper-case <see cref="Name"/>, so "Customers" and "CUSTOMERS" cannot both exist.</summary>
    public required string NormalizedName { get; set; }

    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Last change to the book or any of its contacts.</summary>
    public DateTime UpdatedAt { get; set; }
}
