using TalkNTalk.Core.Campaigns;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Campaigns;

/// <summary>Campaigns made through the real send path, and views with chosen figures.</summary>
internal static class CampaignData
{
    public static readonly string[] Numbers = ["0712000001", "0712000002", "0712000003"];

    /// <summary>A campaign waiting an hour, so the dispatcher leaves it alone until the test acts on it.</summary>
    public static async Task<Guid> ScheduleAsync(TestApp app, Guid organisationId, string name = "Statement reminder") =>
        (await app.Service<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = organisationId, Name = name, Message = "Habari! Your statement is ready.", Numbers = Numbers,
            ScheduledAt = DateTime.UtcNow.AddHours(1), CreatedBy = TestApp.AdminEmail,
        })).CampaignId!.Value;

    public static async Task<Guid> SendNowAsync(TestApp app, Guid organisationId, string name = "Flash sale") =>
        (await app.Service<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = organisationId, Name = name, Message = "Flash sale today only.", Numbers = Numbers, CreatedBy = TestApp.AdminEmail,
        })).CampaignId!.Value;

    public static CampaignView View(CampaignStatus status = CampaignStatus.Completed, int recipients = 1000, int sent = 992, int delivered = 955,
        int undelivered = 30, int failed = 8, int cancelled = 0, int queued = 0, string name = "Campaign", DateTime? finished = null, int unknown = 0) =>
        new(Guid.NewGuid(), name, "Hello", "ACMEKE", default, status, MessageSource.Web, recipients, sent, delivered, failed, queued, 0, cancelled,
            recipients * 0.8m, sent * 0.8m, null, DateTime.UtcNow.AddHours(-1), null, DateTime.UtcNow.AddMinutes(-50), finished, undelivered, unknown);
}
