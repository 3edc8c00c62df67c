using System.Net;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Dashboard.SenderIds;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.SenderIds;

/// <summary>The sender IDs page's other channels: WhatsApp numbers and templates, Telegram bots, e-mail senders and their link, Slack.</summary>
public sealed class OriginsPageTests : ComponentTest
{
    private IRenderedComponent<SenderIdsPage> Open(Channel channel)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"admin/sender-ids?channel={channel.ToApiName()}");
        var page = Render<SenderIdsPage>();
        page.WaitForElement("[data-testid=origin-form]");
        return page;
    }

    private static void Fill(IRenderedComponent<SenderIdsPage> page, string id, string value) => page.Find($"[data-testid=origin-form] #{id}").Change(value);

    private static void Register(IRenderedComponent<SenderIdsPage> page) => page.Find("[data-testid=origin-form]").Submit();

    private async Task<SenderIdView> StoredAsync(Channel channel, string name) =>
        (await App.Service<SenderIdService>().ListAsync(OrganisationId, channel)).Single(s => s.Name == name);

    [Fact]
    public void The_channel_in_the_address_opens_its_tab_and_each_tab_lists_only_its_channel()
    {
        var page = Open(Channel.WhatsApp);

        Assert.Contains("Add a WhatsApp number", page.Markup);
        page.WaitForAssertion(() => Assert.Contains("No WhatsApp numbers", page.Find("[data-testid=sender-grid]").TextContent));
        // SMS's bootstrapped sender ID is on the SMS tab, not here.
        Assert.DoesNotContain("ACMEKE", page.Find("[data-testid=sender-grid]").TextContent);
    }

    [Fact]
    public void Choosing_a_tab_shows_its_channel_and_keeps_it_in_the_address()
    {
        var page = Open(Channel.Sms);

        page.FindAll(".mud-tab").Single(t => t.TextContent.Contains("E-mail")).Click();

        page.WaitForAssertion(() => Assert.Contains("Add an e-mail sender", page.Markup));
        Assert.EndsWith("admin/sender-ids?channel=email", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task A_whatsapp_number_is_registered_with_its_phone_number_id_and_waits_for_approval()
    {
        var page = Open(Channel.WhatsApp);
        Fill(page, "sender-name", "0712 345 678");
        Fill(page, "sender-provider-ref", "106540352242922");

        Register(page);

        page.WaitForAssertion(() => Assert.Equal("Pending", page.Find("[data-testid=status-254712345678]").TextContent.Trim()));
        Assert.Contains("+254 712 345 678", page.Find("[data-testid=sender-grid]").TextContent);
        Assert.Contains("106540352242922", page.Find("[data-testid=sender-grid]").TextContent);
        page.Find("[aria-label='Approve +254 712 345 678']").Click();
        page.WaitForAssertion(() => Assert.Equal("Approved", page.Find("[data-testid=status-254712345678]").TextContent.Trim()));
        var stored = await StoredAsync(Channel.WhatsApp, "254712345678");
        Assert.Equal(("106540352242922", SenderIdStatus.Approved, true), (stored.ProviderRef, stored.Status, stored.IsDefault));
    }

    [Fact]
    public void A_whatsapp_number_without_its_phone_number_id_is_refused_next_to_that_field()
    {
        var page = Open(Channel.WhatsApp);
        Fill(page, "sender-name", "0712 345 678");

        Register(page);

        page.WaitForAssertion(() => Assert.Contains("phone-number ID from Meta's WhatsApp Manager", page.Find("[data-field=providerRef]").TextContent));
        Assert.Empty(page.FindAll("[data-field=name]"));
    }

    [Fact]
    public async Task A_telegram_bot_is_approved_at_once_and_its_token_is_stored_never_shown()
    {
        const string token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
        var page = Open(Channel.Telegram);
        Fill(page, "sender-name", "AcmeKenyaBot");
        Fill(page, "sender-secret", token);

        Register(page);

        page.WaitForAssertion(() => Assert.Equal("Approved", page.Find("[data-testid='status-@AcmeKenyaBot']").TextContent.Trim()));
        Assert.Contains("Token stored", page.Find("[data-testid='token-@AcmeKenyaBot']").TextContent);
        Assert.DoesNotContain(token, page.Markup);
        Assert.DoesNotContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", page.Markup);
        var stored = await StoredAsync(Channel.Telegram, "@AcmeKenyaBot");
        Assert.True(stored.HasSecret);
        Assert.True(stored.IsDefault);
        var origin = await App.Service<OriginSecrets>().FindAsync(OrganisationId, Channel.Telegram, "@AcmeKenyaBot");
        Assert.Equal(token, origin!.Secret);
    }

    [Fact]
    public async Task A_bot_is_given_its_current_token_and_a_bad_one_is_refused_next_to_the_field()
    {
        await App.Service<SenderIdService>().RegisterAsync(OrganisationId,
            new OriginRequest(Channel.Telegram, "@AcmeKenyaBot", Secret: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"));
        const string current = "123456789:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw2";
        var page = Open(Channel.Telegram);

        page.WaitForElement("[aria-label='Replace token of @AcmeKenyaBot']").Click();
        page.Find("#replace-token").Change("not-a-token");
        page.Find("[data-testid=replace-token-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("token from BotFather", page.Find("[data-testid=replace-token-form] [data-field=secret]").TextContent));

        page.Find("#replace-token").Change(current);
        page.Find("[data-testid=replace-token-form]").Submit();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=replace-token-form]")));
        Assert.DoesNotContain(current, page.Markup);
        var origin = await App.Service<OriginSecrets>().FindAsync(OrganisationId, Channel.Telegram, "@AcmeKenyaBot");
        Assert.Equal(current, origin!.Secret);
    }

    [Fact]
    public void A_bad_bot_token_is_refused_next_to_the_token()
    {
        var page = Open(Channel.Telegram);
        Fill(page, "sender-name", "@AcmeKenyaBot");
        Fill(page, "sender-secret", "not-a-token");

        Register(page);

        page.WaitForAssertion(() => Assert.Contains("token from BotFather", page.Find("[data-field=secret]").TextContent));
    }

    [Fact]
    public async Task A_slack_bot_needs_only_its_name_and_can_send_at_once()
    {
        var page = Open(Channel.Slack);
        Assert.Contains("goes out as your workspace's bot", page.Markup);
        Fill(page, "sender-name", "Acme Updates");

        Register(page);

        page.WaitForAssertion(() => Assert.Equal("Approved", page.Find("[data-testid='status-Acme Updates']").TextContent.Trim()));
        Assert.Empty(page.FindAll("[aria-label='Reject Acme Updates']"));
        Assert.True((await StoredAsync(Channel.Slack, "Acme Updates")).IsDefault);
    }

    [Fact]
    public async Task An_email_sender_is_verified_by_the_link_sent_to_it_on_a_page_that_needs_no_sign_in()
    {
        var page = Open(Channel.Email);
        Fill(page, "sender-name", "News@Acme.co.ke");

        Register(page);

        page.WaitForAssertion(() => Assert.Equal("Awaiting verification", page.Find("[data-testid='status-news@acme.co.ke']").TextContent.Trim()));
        Assert.Empty(page.FindAll("[aria-label='Approve news@acme.co.ke']"));
        var link = App.Verifications.LinkFor("news@acme.co.ke");

        // Whoever reads the mailbox follows the link without signing in.
        using var browser = App.Browser();
        var response = await browser.GetAsync(link);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("news@acme.co.ke is verified.", html);
        Assert.Contains("data-outcome=\"verified\"", html);
        Assert.DoesNotContain("_blazor", html.Replace("_framework/blazor.web.js", ""));
        var stored = await StoredAsync(Channel.Email, "news@acme.co.ke");
        Assert.Equal((SenderIdStatus.Approved, true, false), (stored.Status, stored.IsDefault, stored.AwaitingVerification));

        // The link is used up: following it again says so, and what to do.
        var again = await (await browser.GetAsync(link)).Content.ReadAsStringAsync();
        Assert.Contains("data-outcome=\"invalid_token\"", again);
        Assert.Contains("Send the link again", again);
    }

    [Fact]
    public async Task Send_the_link_again_replaces_the_old_link_and_an_old_link_says_it_expired()
    {
        var origin = await App.Service<SenderIdService>().RegisterAsync(OrganisationId, new OriginRequest(Channel.Email, "billing@acme.co.ke"));
        var first = App.Verifications.LinkFor("billing@acme.co.ke");
        var page = Open(Channel.Email);

        page.WaitForElement("[aria-label='Send the link again to billing@acme.co.ke']").Click();

        page.WaitForAssertion(() => Assert.Equal(2, App.Verifications.Sent.Count(s => s.Origin.Name == "billing@acme.co.ke")));
        var second = App.Verifications.LinkFor("billing@acme.co.ke");
        Assert.NotEqual(first, second);
        using var browser = App.Browser();
        Assert.Contains("data-outcome=\"invalid_token\"", await (await browser.GetAsync(first)).Content.ReadAsStringAsync());

        // A link older than its lifetime has expired, even though it is the latest.
        await using (var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync())
            await db.SenderIds.Where(s => s.Id == origin.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.VerificationSentAt, DateTime.UtcNow.AddDays(-4)));
        var expired = await (await browser.GetAsync(second)).Content.ReadAsStringAsync();
        Assert.Contains("data-outcome=\"expired_token\"", expired);
        Assert.Contains("This link has expired.", expired);
        Assert.Equal(SenderIdStatus.Pending, (await StoredAsync(Channel.Email, "billing@acme.co.ke")).Status);
    }

    [Fact]
    public void An_email_sender_whose_link_could_not_be_sent_is_listed_and_the_form_says_why()
    {
        App.Verifications.RefuseWith = "550 relay refused";
        var page = Open(Channel.Email);
        Fill(page, "sender-name", "news@acme.co.ke");

        Register(page);

        page.WaitForAssertion(() => Assert.Equal("Awaiting verification", page.Find("[data-testid='status-news@acme.co.ke']").TextContent.Trim()));
        Assert.Contains("its verification link could not be sent (550 relay refused)", page.Find("[data-testid=origin-form] .form-error").TextContent);
        App.Verifications.RefuseWith = null;
        page.Find("[aria-label='Send the link again to news@acme.co.ke']").Click();
        page.WaitForAssertion(() => Assert.Single(App.Verifications.Sent));
    }

    [Fact]
    public void A_malformed_email_address_is_refused_next_to_the_field()
    {
        var page = Open(Channel.Email);
        Fill(page, "sender-name", "news at acme");

        Register(page);

        page.WaitForAssertion(() => Assert.Contains("is not an e-mail address", page.Find("[data-field=name]").TextContent));
        Assert.Empty(App.Verifications.Sent);
    }

    [Fact]
    public async Task An_admin_adds_and_removes_the_whatsapp_templates_meta_approved()
    {
        var dialogs = RenderDialogProvider();
        var page = Open(Channel.WhatsApp);
        page.WaitForElement("[data-testid=template-form]");
        page.Find("#template-name").Change("order_update");
        page.Find("#template-language").Change("en");
        page.Find("#template-body").Change("Habari {{1}}, your order {{2}} is on its way.");

        page.Find("[data-testid=template-form]").Submit();

        page.WaitForAssertion(() => Assert.Contains("order_update", page.Find("[data-testid=template-list]").TextContent));
        var template = (await App.Service<WhatsAppTemplates>().ListAsync(OrganisationId)).Single();
        Assert.Equal(2, template.ParameterCount);

        page.Find("[aria-label='Remove order_update (en)']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Remove order_update (en)?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click();

        page.WaitForAssertion(() => Assert.Contains("No templates", page.Find("[data-testid=whatsapp-templates]").TextContent));
        Assert.Empty(await App.Service<WhatsAppTemplates>().ListAsync(OrganisationId));
    }

    [Fact]
    public void A_template_name_against_whatsapps_rules_is_refused_next_to_the_name()
    {
        var page = Open(Channel.WhatsApp);
        page.WaitForElement("[data-testid=template-form]");
        page.Find("#template-name").Change("Order Update");
        page.Find("#template-language").Change("en");
        page.Find("#template-body").Change("Habari {{1}}");

        page.Find("[data-testid=template-form]").Submit();

        page.WaitForAssertion(() => Assert.Contains("lower-case letters, digits and underscores", page.Find("[data-testid=template-form] [data-field=name]").TextContent));
    }
}
