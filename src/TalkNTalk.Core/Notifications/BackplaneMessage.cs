using System.Text.Json;

namespace TalkNTalk.Core.Notifications;

/// <summary>
/// The backplane's payload: <c>{"from":"&lt;instance&gt;","changes":[["campaign","&lt;id&gt;"],…]}</c>, ASCII only (the
/// serializer escapes the rest), so its length in characters is its length in bytes. PostgreSQL refuses a NOTIFY
/// payload of 8000 bytes or more, so a batch is split into as many payloads as it needs.
/// </summary>
internal static class BackplaneMessage
{
    /// <summary>The longest payload PostgreSQL accepts with its default block size.</summary>
    public const int MaxLength = 7999;

    /// <summary>The payloads carrying <paramref name="changes"/>, each at most <paramref name="maxLength"/> long; a change too long
    /// to fit any payload alone is returned in <c>TooLong</c> rather than sent.</summary>
    public static (List<string> Payloads, List<BackplaneChange> TooLong) Write(Guid from, IEnumerable<BackplaneChange> changes, int maxLength = MaxLength)
    {
        var head = $"{{\"from\":\"{from}\",\"changes\":[";
        const string tail = "]}";
        var payloads = new List<string>();
        var tooLong = new List<BackplaneChange>();
        var current = new List<string>();
        var length = head.Length + tail.Length;
        foreach (var change in changes)
        {
            var item = JsonSerializer.Serialize(new[] { change.Topic, change.Key });
            if (head.Length + item.Length + tail.Length > maxLength)
            {
                tooLong.Add(change);
                continue;
            }
            var added = item.Length + (current.Count == 0 ? 0 : 1);
            if (length + added > maxLength)
            {
                payloads.Add(head + string.Join(',', current) + tail);
                current.Clear();
                length = head.Length + tail.Length;
                added = item.Length;
            }
            current.Add(item);
            length += added;
        }
        if (current.Count > 0)
            payloads.Add(head + string.Join(',', current) + tail);
        return (payloads, tooLong);
    }

    /// <summary>Reads a payload; false for anything that is not one (another program notifying on the channel).</summary>
    public static bool TryRead(string payload, out Guid from, out List<BackplaneChange> changes)
    {
        from = Guid.Empty;
        changes = [];
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("from", out var sender) || !sender.TryGetGuid(out from)
                || !root.TryGetProperty("changes", out var list) || list.ValueKind != JsonValueKind.Array)
                return false;
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2
                    || item[0].GetString() is not { } topic || item[1].GetString() is not { } key)
                    return false;
                changes.Add(new BackplaneChange(topic, key));
            }
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
