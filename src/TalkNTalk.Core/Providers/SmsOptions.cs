namespace TalkNTalk.Core.Providers;

/// <summary>The SMS providers an installation can send through; one is active at a time.</summary>
public enum SmsProviderKind
{
    /// <summary>In-process, for development and demonstrations: nothing leaves the machine.</summary>
    Simulated,
    /// <summary>A Kannel gateway's HTTP <c>sendsms</c> interface, in front of the operators' SMPP links.</summary>
    Kannel,
    /// <summary>Africa's Talking's HTTP messaging API.</summary>
    AfricasTalking,
}

/// <summary>
/// Which provider sends SMS and how (section <c>Sms</c>). An admin may save other settings from the dashboard
/// (Admin › SMS gateway); those then take the place of this section's, credentials encrypted with Data Protection.
/// </summary>
public sealed class SmsOptions
{
    public SmsProviderKind Provider { get; set; } = SmsProviderKind.Simulated;

    /// <summary>
    /// The address the provider reaches this app at for delivery reports, e.g. <c>https://sms.example.co.ke</c>.
    /// Empty: the address the app listens on (fine when Kannel runs on the same machine).
    /// </summary>
    public string? CallbackBaseUrl { get; set; }

    public KannelOptions Kannel { get; set; } = new();

    public AfricasTalkingOptions AfricasTalking { get; set; } = new();

    public CircuitOptions Circuit { get; set; } = new();
}

/// <summary>A Kannel smsbox's <c>sendsms</c> interface (section <c>Sms:Kannel</c>).</summary>
public sealed class KannelOptions
{
    /// <summary>The smsbox's sendsms address.</summary>
    public string SendSmsUrl { get; set; } = "http://127.0.0.1:13013/cgi-bin/sendsms";

    /// <summary>The <c>sendsms-user</c> group's username and password.</summary>
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";

    /// <summary>Submissions per second this gateway takes (the SMSC links' combined throughput).</summary>
    public int MessagesPerSecond { get; set; } = 100;

    /// <summary>Optional: the <c>smsc</c> id to route every message through.</summary>
    public string? Smsc { get; set; }

    /// <summary>Optional: an <c>smsc</c> id per network (Safaricom, Airtel, Telkom), by the prefix table's guess.</summary>
    public Dictionary<string, string> SmscByNetwork { get; set; } = [];

    /// <summary>How long one submission may take before its outcome counts as unknown.</summary>
    public int TimeoutSeconds { get; set; } = 10;
}

/// <summary>Africa's Talking's messaging API (section <c>Sms:AfricasTalking</c>).</summary>
public sealed class AfricasTalkingOptions
{
    /// <summary>Live: <c>https://api.africastalking.com</c>; sandbox: <c>https://api.sandbox.africastalking.com</c>.</summary>
    public string BaseUrl { get; set; } = "https://api.africastalking.com";

    /// <summary>The app's username (<c>sandbox</c> in the sandbox).</summary>
    public string Username { get; set; } = "";

    /// <summary>The app's API key (header <c>apiKey</c>).</summary>
    public string ApiKey { get; set; } = "";

    public int MessagesPerSecond { get; set; } = 50;

    /// <summary>Asks Africa's Talking to queue bulk sends on its side (<c>enqueue=1</c>).</summary>
    public bool Enqueue { get; set; } = true;

    public int TimeoutSeconds { get; set; } = 15;
}

/// <summary>When the dispatcher stops trying a failing provider, and for how long (section <c>Sms:Circuit</c>).</summary>
public sealed class CircuitOptions
{
    /// <summary>
    /// The circuit opens when, within the last <see cref="SamplingSeconds"/>, at least <see cref="MinimumAttempts"/>
    /// submissions were tried and at least <see cref="FailureRatio"/> of them failed. The window is short so that a
    /// gateway that falls over in the middle of a fast campaign is noticed within seconds, not after thousands of attempts.
    /// </summary>
    public int MinimumAttempts { get; set; } = 5;

    public double FailureRatio { get; set; } = 0.5;

    public double SamplingSeconds { get; set; } = 2;

    /// <summary>The first wait once open; each failed probe doubles it, up to <see cref="LongestBreakSeconds"/>.</summary>
    public double FirstBreakSeconds { get; set; } = 1;

    public double LongestBreakSeconds { get; set; } = 60;
}
