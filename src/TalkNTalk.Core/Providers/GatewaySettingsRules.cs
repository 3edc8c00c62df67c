using TalkNTalk.Core.Common;

namespace TalkNTalk.Core.Providers;

/// <summary>
/// What saved gateway settings must satisfy: for the chosen provider, an absolute http(s) address, a username and a
/// rate of 1–10000 messages per second. The other providers' fields are kept as typed but not checked, so an admin
/// can switch back to Simulated while a half-filled Kannel form waits. Field names match the form's.
/// </summary>
public static class GatewaySettingsRules
{
    public const int MaxMessagesPerSecond = 10_000;

    /// <exception cref="DomainException">The first invalid field.</exception>
    public static void Validate(SmsOptions settings)
    {
        switch (settings.Provider)
        {
            case SmsProviderKind.Kannel:
                Url(settings.Kannel.SendSmsUrl, "Kannel.SendSmsUrl");
                Required(settings.Kannel.Username, "Kannel.Username");
                Rate(settings.Kannel.MessagesPerSecond, "Kannel.MessagesPerSecond");
                break;
            case SmsProviderKind.AfricasTalking:
                Url(settings.AfricasTalking.BaseUrl, "AfricasTalking.BaseUrl");
                Required(settings.AfricasTalking.Username, "AfricasTalking.Username");
                Rate(settings.AfricasTalking.MessagesPerSecond, "AfricasTalking.MessagesPerSecond");
                break;
        }
    }

    private static void Url(string? text, string field)
    {
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
            throw DomainException.Validation(field, "Enter an absolute http:// or https:// address.");
    }

    private static void Required(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw DomainException.Validation(field, "Enter the username.");
    }

    private static void Rate(int perSecond, string field)
    {
        if (perSecond is < 1 or > MaxMessagesPerSecond)
            throw DomainException.Validation(field, $"Enter a rate from 1 to {MaxMessagesPerSecond:N0} messages per second.");
    }
}
