namespace TalkNTalk.Core.Providers;

/// <summary>
/// The SMS gateway settings an admin saved from the dashboard (table <c>sms_gateway_settings</c>, one row, id 1).
/// Once present they take the place of configuration's <c>Sms</c> section. The Kannel password and the Africa's
/// Talking API key are stored encrypted with Data Protection, so a copy of the database alone does not reveal them.
/// </summary>
public sealed class GatewaySettings
{
    /// <summary>Always <see cref="SingleRow"/>: there is one gateway per installation.</summary>
    public int Id { get; set; } = SingleRow;

    public const int SingleRow = 1;

    public SmsProviderKind Provider { get; set; }

    public string KannelSendSmsUrl { get; set; } = "";
    public string KannelUsername { get; set; } = "";
    public string? KannelPasswordProtected { get; set; }
    public int KannelMessagesPerSecond { get; set; }
    public string? KannelSmsc { get; set; }

    public string AfricasTalkingBaseUrl { get; set; } = "";
    public string AfricasTalkingUsername { get; set; } = "";
    public string? AfricasTalkingApiKeyProtected { get; set; }
    public int AfricasTalkingMessagesPerSecond { get; set; }

    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}
