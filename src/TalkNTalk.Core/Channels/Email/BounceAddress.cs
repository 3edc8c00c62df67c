using System.Diagnostics.CodeAnalysis;

namespace TalkNTalk.Core.Channels.Email;

/// <summary>
/// The one rule for VERP addresses: the bounce address <c>bounces@bounce.example.co.ke</c> and a message's id make the
/// envelope sender <c>bounces+{id:N}@bounce.example.co.ke</c>. Relays send a bounce to the envelope sender, so the
/// address it arrives at names the message whatever the relay and whatever the report looks like. The id is the hex form
/// (lower case) because some relays lower-case local parts.
/// </summary>
public static class BounceAddress
{
    /// <summary>The envelope sender for a message, or null when no bounce address is configured.</summary>
    public static string? For(string? bounceAddress, Guid messageId) =>
        Split(bounceAddress) is var (local, domain) ? $"{local}+{messageId:N}@{domain}" : null;

    /// <summary>The message a VERP address names, when it is one of <paramref name="bounceAddress"/>'s (case does not matter).</summary>
    public static bool TryRead(string? bounceAddress, string user, string host, out Guid messageId)
    {
        messageId = Guid.Empty;
        if (Split(bounceAddress) is not var (local, domain) || !string.Equals(host, domain, StringComparison.OrdinalIgnoreCase))
            return false;
        var plus = user.LastIndexOf('+');
        return plus > 0 && string.Equals(user[..plus], local, StringComparison.OrdinalIgnoreCase)
               && Guid.TryParseExact(user[(plus + 1)..], "N", out messageId);
    }

    /// <summary>The domain of an address, or null for none.</summary>
    public static string? DomainOf(string? address) => Split(address)?.Domain;

    private static (string Local, string Domain)? Split(string? address)
    {
        var text = address?.Trim() ?? "";
        var at = text.LastIndexOf('@');
        return at > 0 && at < text.Length - 1 ? (text[..at], text[(at + 1)..]) : null;
    }

    /// <summary>Whether a configured bounce address can carry message ids.</summary>
    public static bool IsUsable([NotNullWhen(true)] string? bounceAddress) => Split(bounceAddress) is not null;
}
