using Bunit;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Providers;
using TalkNTalk.Dashboard.Gateway;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Gateway;

public sealed class GatewayPageTests : ComponentTest
{
    [Fact]
    public void The_page_names_the_active_provider_and_its_state()
    {
        var cut = Render<GatewayPage>();

        cut.WaitForAssertion(() => Assert.Equal("Simulated", cut.Find("[data-testid=gateway-provider]").TextContent.Trim()));
        Assert.Contains("Sending", cut.Find("[data-testid=gateway-state]").TextContent);
        Assert.Equal("None yet", cut.Find("[data-testid=gateway-last-success]").TextContent.Trim());
        Assert.Equal("0 messages a second (at most 100)", cut.Find("[data-testid=gateway-rate]").TextContent.Trim());
        Assert.Contains("From the configuration", cut.Markup);
    }

    [Fact]
    public async Task A_blank_sendsms_address_is_refused_next_to_the_field_and_the_provider_stays()
    {
        await KannelSavedAsync("http://127.0.0.1:13013/cgi-bin/sendsms", "secret-1");
        var cut = Render<GatewayPage>();

        cut.WaitForElement("#kannel-url").Change("");
        cut.Find("[data-testid=gateway-settings]").Submit();

        cut.WaitForAssertion(() => Assert.Contains("http:// or https://", cut.Find("[data-field='Kannel.SendSmsUrl']").TextContent));
        var stored = await App.Service<GatewaySettingsService>().LoadAsync();
        Assert.Equal("http://127.0.0.1:13013/cgi-bin/sendsms", stored!.Kannel.SendSmsUrl);
    }

    [Fact]
    public async Task A_saved_password_is_kept_encrypted_never_shown_and_kept_when_left_blank()
    {
        await KannelSavedAsync("http://127.0.0.1:13013/cgi-bin/sendsms", "kannel-secret-42");
        var cut = Render<GatewayPage>();

        cut.WaitForAssertion(() => Assert.Contains("Set. Leave blank to keep it.", cut.Markup));
        Assert.DoesNotContain("kannel-secret-42", cut.Markup);
        cut.Find("#kannel-rate").Change("75");
        cut.Find("[data-testid=gateway-settings]").Submit();

        cut.WaitForAssertion(() => Assert.Contains("Saved in the dashboard", cut.Markup));
        var stored = await App.Service<GatewaySettingsService>().LoadAsync();
        Assert.Equal(("kannel-secret-42", 75), (stored!.Kannel.Password, stored.Kannel.MessagesPerSecond));
        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        var row = await db.GatewaySettings.SingleAsync();
        Assert.DoesNotContain("kannel-secret-42", row.KannelPasswordProtected);
        var gateway = App.Service<SmsGateway>();
        Assert.Equal((nameof(SmsProviderKind.Kannel), 75), (gateway.Current.ProviderName, gateway.Current.MessagesPerSecond));
        cut.WaitForAssertion(() => Assert.Equal("Kannel", cut.Find("[data-testid=gateway-provider]").TextContent.Trim()));
    }

    private Task KannelSavedAsync(string url, string password) =>
        App.Service<GatewaySettingsService>().SaveAsync(new SmsOptions
        {
            Provider = SmsProviderKind.Kannel,
            Kannel = new KannelOptions { SendSmsUrl = url, Username = "talkntalk", Password = password, MessagesPerSecond = 100 },
        });
}
