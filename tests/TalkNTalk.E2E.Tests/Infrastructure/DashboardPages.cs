namespace TalkNTalk.E2E.Tests.Infrastructure;

/// <summary>The dashboard's pages a signed-in admin can open; <c>{campaign}</c> stands for a campaign's id.</summary>
public static class DashboardPages
{
    public static readonly string[] SignedIn =
    [
        "/", "/address-books", "/compose", "/campaigns", "/campaigns/{campaign}", "/messages", "/monitor", "/api",
        "/admin/sender-ids", "/admin/users", "/admin/wallet", "/admin/api-keys", "/admin/webhooks", "/admin/sms-gateway", "/account",
    ];
}
