namespace TalkNTalk.Core.Common;

/// <summary>
/// A rule of the domain refused an operation. <see cref="Field"/> names the input to fix (if any),
/// so a page can show <see cref="Exception.Message"/> next to it and an API can put it in its error body.
/// </summary>
public sealed class DomainException(string code, string message, string? field = null) : Exception(message)
{
    /// <summary>Machine-readable error code, e.g. <c>insufficient_balance</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The input field the message is about, or null for the operation as a whole.</summary>
    public string? Field { get; } = field;

    public static DomainException Validation(string field, string message) => new("validation_error", message, field);
    public static DomainException NotFound(string what) => new("not_found", $"{what} was not found.");
}
