using Microsoft.Extensions.Options;

namespace TalkNTalk.Core.Common;

/// <summary>Settings of the app as a whole (section <c>App</c>).</summary>
public sealed class AppOptions
{
    /// <summary>
    /// The address people open the dashboard at, e.g. <c>https://sms.example.co.ke</c>: links the app sends out (an e-mail
    /// sender's verification link) start with it. Empty: the address the app listens on, right only on one machine.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>
/// Absolute links into the dashboard, for messages read outside it (an e-mail). Like the SMS callbacks' address, the
/// base is a setting (<see cref="AppOptions.PublicBaseUrl"/>) or, when unset, the address the host listens on.
/// </summary>
public sealed class PublicLinks(IOptions<AppOptions> options)
{
    private string? _baseUrl = Trim(options.Value.PublicBaseUrl);

    /// <summary>The dashboard's address without a trailing slash.</summary>
    public string BaseUrl
    {
        get => _baseUrl ?? "http://localhost:5080";
        set => _baseUrl = Trim(value);
    }

    /// <summary>True when nothing set the address yet (the host then uses the address it listens on).</summary>
    public bool BaseUrlUnset => _baseUrl is null;

    /// <summary>The link that verifies an e-mail sender (the page at <c>/senders/verify/{id}/{token}</c>).</summary>
    public string SenderVerification(Guid senderId, string token) => $"{BaseUrl}/senders/verify/{senderId}/{Uri.EscapeDataString(token)}";

    private static string? Trim(string? url) => string.IsNullOrWhiteSpace(url) ? null : url.Trim().TrimEnd('/');
}
