namespace TalkNTalk.Dashboard.Api.V1;

/// <summary>Limits of the <c>/v1</c> API (section <c>Api</c>). The per-minute ones are TalkNTalk's published rate limits.</summary>
public sealed class ApiOptions
{
    /// <summary><c>POST /v1/sms/send-bulk/</c> and <c>POST /v1/campaigns/</c> calls together, per organisation in any minute.</summary>
    public int SendBulkPerMinute { get; set; } = 60;

    /// <summary><c>POST /v1/sms/send/</c> calls per organisation in any minute.</summary>
    public int SendPerMinute { get; set; } = 300;

    /// <summary>Calls per organisation in any minute to each other endpoint.</summary>
    public int RequestsPerMinute { get; set; } = 300;

    /// <summary>
    /// Message list reads (fetch messages, a campaign's messages) running at once across the process; more wait their
    /// turn. They are the API's expensive reads, and without a cap a crowd of them starves the dispatcher of CPU.
    /// </summary>
    public int MessageReadConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Message list reads that may wait for a turn; one more is answered 503 with Retry-After.</summary>
    public int MessageReadQueue { get; set; } = 200;
}
