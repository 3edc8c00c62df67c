using TalkNTalk.Core.Common;

namespace TalkNTalk.Dashboard.Shared;

/// <summary>Errors of one form: per field, and one for the form as a whole. Filled from <see cref="DomainException"/>.</summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, string> _fields = new(StringComparer.OrdinalIgnoreCase);

    public string? Form { get; private set; }

    /// <summary>The machine code of the last refusal (<c>insufficient_balance</c>, …), for a page that acts on one kind.</summary>
    public string? Code { get; private set; }

    /// <summary>The form's message, or else the first field's: for a notification when there is no field to show it by.</summary>
    public string Message => Form ?? _fields.Values.FirstOrDefault() ?? "";

    public bool Any => Form is not null || _fields.Count > 0;

    public string? Get(string field) => _fields.GetValueOrDefault(field);

    public void Clear()
    {
        _fields.Clear();
        Form = null;
        Code = null;
    }

    public void Add(string? field, string message)
    {
        if (field is null)
            Form = message;
        else
            _fields[field] = message;
    }

    /// <summary>Runs a service call; a domain refusal lands next to its field instead of escaping as an error page.</summary>
    public async Task<bool> TryAsync(Func<Task> action)
    {
        Clear();
        try
        {
            await action();
            return true;
        }
        catch (DomainException e)
        {
            Add(e.Field, e.Message);
            Code = e.Code;
            return false;
        }
    }
}
