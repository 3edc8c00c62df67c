using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Dashboard.Compose;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Compose;

/// <summary>Compose on the channels beside SMS: who a channel reaches, e-mail's subject, WhatsApp templates, the send itself.</summary>
public sealed class ComposeChannelTests : ComponentTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private IRenderedComponent<ComposePage> Open(string url)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var page = Render<ComposePage>();
        page.WaitForState(() => page.FindAll("[data-testid=recipient-count]").Count == 1, Patience);
        return page;
    }

    private static IElement SendButton(IRenderedComponent<ComposePage> page) => page.FindAll("button[type=submit]").Single();

    /// <summary>A book of three: two with an e-mail address (one of them also a mobile), one with a mobile only.</summary>
    private async Task<Guid> CustomersAsync()
    {
        var book = await App.Service<AddressBookService>().CreateAsync(OrganisationId, "Customers", null);
        var contacts = App.Service<ContactService>();
        await contacts.AddAsync(OrganisationId, book.Id, new ContactInput("0712 345 678", "Amina", "Otieno", Email: "amina@example.co.ke"));
        await contacts.AddAsync(OrganisationId, book.Id, new ContactInput(null, "Brian", "Mwangi", Email: "brian@example.co.ke"));
        await contacts.AddAsync(OrganisationId, book.Id, new ContactInput("0733 100 100", "Chebet", "Koech"));
        return book.Id;
    }

    private async Task VerifiedEmailSenderAsync(string address)
    {
        var senders = App.Service<SenderIdService>();
        var origin = await senders.RegisterAsync(OrganisationId, new OriginRequest(Channel.Email, address));
        await senders.VerifyAsync(origin.Id, App.Verifications.Sent.Last(s => s.Origin.Id == origin.Id).Token);
    }

    [Fact]
    public async Task On_email_compose_says_who_has_an_address_asks_for_a_subject_and_names_the_missing_sender()
    {
        var book = await CustomersAsync();

        var page = Open($"compose?channel=email&book={book}");

        page.WaitForAssertion(() => Assert.Equal("2 of 3 contacts have an e-mail address", page.Find("[data-testid=channel-reach]").TextContent.Trim()), Patience);
        Assert.Contains("2 unique recipients", page.Find("[data-testid=recipient-count]").TextContent);
        Assert.Single(page.FindAll("input[data-testid=compose-subject]"));
        Assert.Empty(page.FindAll("textarea[placeholder^='0712']"));
        Assert.Contains("no verified e-mail sender", page.Find("[data-testid=no-origin]").TextContent);
        page.Find("textarea[data-testid=compose-message]").Input("Your statement is attached.");
        page.WaitForAssertion(() => Assert.Contains("27 of 100,000 characters", page.Find("[data-testid=characters]").TextContent), Patience);
        Assert.True(SendButton(page).HasAttribute("disabled"));
        Assert.Contains("no verified e-mail sender", page.Find("[data-testid=send-blocked]").TextContent);

        // The same book on SMS reaches the two mobiles.
        page.Find("input[data-channel=sms]").Click();
        page.WaitForAssertion(() => Assert.Equal("2 of 3 contacts have a mobile number", page.Find("[data-testid=channel-reach]").TextContent.Trim()), Patience);
        Assert.Empty(page.FindAll("input[data-testid=compose-subject]"));
    }

    [Fact]
    public async Task An_email_campaign_is_sent_with_its_subject_to_the_books_addresses_after_a_confirm_of_its_cost()
    {
        var book = await CustomersAsync();
        await VerifiedEmailSenderAsync("news@acme.co.ke");
        var dialogs = RenderDialogProvider();
        var page = Open($"compose?channel=email&book={book}");
        page.WaitForAssertion(() => Assert.Contains("2 unique recipients", page.Find("[data-testid=recipient-count]").TextContent), Patience);

        page.Find("input[data-testid=compose-subject]").Input("Your November statement");
        page.Find("textarea[data-testid=compose-message]").Input("Habari {first_name}, your statement is ready.");
        page.WaitForAssertion(() => Assert.Equal("Your November statement", page.Find("[data-testid=preview-subject]").TextContent), Patience);
        Assert.Contains("Habari Brian, your statement is ready.", page.Find("[data-testid=preview-body]").TextContent);
        Assert.Equal("KES 0.20", page.Find("[data-testid=estimated-cost]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=test-send]"));

        page.Find("form").Submit();
        dialogs.WaitForState(() => dialogs.Markup.Contains("Send by E-mail to 2 recipients from news@acme.co.ke now?"), Patience);
        Assert.Contains("It reserves KES 0.20 (KES 0.10 a message)", dialogs.Markup);
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Send").Click();

        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        page.WaitForAssertion(() => Assert.Single(db.Campaigns.AsNoTracking().Where(c => c.OrganisationId == OrganisationId)), Patience);
        var campaign = db.Campaigns.AsNoTracking().Single(c => c.OrganisationId == OrganisationId);
        Assert.Equal((Channel.Email, "Your November statement", "news@acme.co.ke", 2), (campaign.Channel, campaign.Subject, campaign.SenderId, campaign.RecipientsCount));
        var messages = db.Messages.AsNoTracking().Where(m => m.CampaignId == campaign.Id).OrderBy(m => m.Address).Select(m => new { m.Address, m.Body, m.Channel }).ToList();
        Assert.Equal(["amina@example.co.ke", "brian@example.co.ke"], messages.Select(m => m.Address));
        Assert.Equal("Habari Brian, your statement is ready.", messages[1].Body);
        Assert.All(messages, m => Assert.Equal(Channel.Email, m.Channel));
    }

    [Fact]
    public async Task A_refusal_of_the_send_lands_next_to_its_field()
    {
        var book = await CustomersAsync();
        await VerifiedEmailSenderAsync("news@acme.co.ke");
        var page = Open($"compose?channel=email&book={book}");
        page.WaitForAssertion(() => Assert.Contains("2 unique recipients", page.Find("[data-testid=recipient-count]").TextContent), Patience);
        page.Find("input[data-testid=compose-subject]").Input("Two\nlines");
        page.Find("textarea[data-testid=compose-message]").Input("Your statement is ready.");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("A subject is one line", page.Find("[data-field=subject]").TextContent), Patience);
        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        Assert.Empty(db.Campaigns.Where(c => c.OrganisationId == OrganisationId));
    }

    [Fact]
    public async Task A_whatsapp_template_is_chosen_its_parameters_filled_with_merge_tags_and_its_body_previewed()
    {
        var book = await CustomersAsync();
        var senders = App.Service<SenderIdService>();
        var number = await senders.RegisterAsync(OrganisationId, new OriginRequest(Channel.WhatsApp, "0711 000 111", ProviderRef: "106540352242922"));
        await senders.ApproveAsync(OrganisationId, number.Id, "test");
        var template = await App.Service<WhatsAppTemplates>().AddAsync(OrganisationId, "order_update", "en", "Habari {{1}}, your order {{2}} is on its way.");
        var dialogs = RenderDialogProvider();
        var page = Open($"compose?channel=whatsapp&book={book}");
        page.WaitForAssertion(() => Assert.Contains("2 unique recipients", page.Find("[data-testid=recipient-count]").TextContent), Patience);

        // Template comes first: a business starts WhatsApp conversations with approved templates.
        await page.InvokeAsync(() => page.FindComponent<MudSelect<Guid?>>().Instance.ValueChanged.InvokeAsync(template.Id));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("input[data-testid=template-param]").Count), Patience);
        Assert.Contains("Fill every parameter of order_update", page.Find("[data-testid=send-blocked]").TextContent);
        Assert.Contains("Habari {{1}}, your order {{2}} is on its way.", page.Find("[data-testid=preview-body]").TextContent);

        page.FindAll("input[data-testid=template-param]")[1].Input("4411");
        page.FindAll("input[data-testid=template-param]")[0].Input("Ms");
        page.FindAll("[data-testid=merge-tag]").First(b => b.TextContent.Trim() == "{first_name}").Click();

        page.WaitForAssertion(() => Assert.Contains("Habari Ms Chebet, your order 4411 is on its way.", page.Find("[data-testid=preview-body]").TextContent), Patience);
        Assert.Equal("KES 1.60", page.Find("[data-testid=estimated-cost]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=send-blocked]"));

        page.Find("form").Submit();
        dialogs.WaitForState(() => dialogs.Markup.Contains("Send by WhatsApp to 2 recipients from +254 711 000 111 now?"), Patience);
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Send").Click();

        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        page.WaitForAssertion(() => Assert.Single(db.Campaigns.AsNoTracking().Where(c => c.OrganisationId == OrganisationId)), Patience);
        var bodies = db.Messages.AsNoTracking().Where(m => m.OrganisationId == OrganisationId).OrderBy(m => m.Address).Select(m => m.Body).ToList();
        Assert.True(WhatsAppTemplate.TryParse(bodies[0], out var sent));
        Assert.Equal(("order_update", "en"), (sent.Name, sent.Language));
        Assert.Equal(["Ms Amina", "4411"], sent.Parameters);
    }

    [Fact]
    public async Task Typed_numbers_are_left_out_of_a_channel_they_do_not_reach()
    {
        var page = Open("compose");
        page.FindAll("textarea").First(t => t.GetAttribute("data-testid") != "compose-message").Change("0712 345 678");
        page.WaitForAssertion(() => Assert.Contains("1 unique recipient ", page.Find("[data-testid=recipient-count]").TextContent), Patience);

        page.Find("input[data-channel=telegram]").Click();

        page.WaitForAssertion(() => Assert.Contains("0 unique recipients", page.Find("[data-testid=recipient-count]").TextContent), Patience);
        Assert.Contains("the 1 you entered are left out of this Telegram send", page.Find("[data-testid=numbers-left-out]").TextContent);
        Assert.Contains("no Telegram bot", page.Find("[data-testid=no-origin]").TextContent);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Slack_without_a_bot_of_its_own_goes_as_the_workspaces_bot()
    {
        var page = Open("compose?channel=slack");

        page.WaitForAssertion(() => Assert.Contains("your Slack workspace's bot", page.Find("[data-testid=compose-sender]").TextContent), Patience);
        Assert.Empty(page.FindAll("[data-testid=no-origin]"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Duplicate_of_an_email_campaign_starts_on_email_with_its_subject()
    {
        var book = await CustomersAsync();
        await VerifiedEmailSenderAsync("news@acme.co.ke");
        var sent = await App.Service<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = OrganisationId, Channel = Channel.Email, Name = "November", Subject = "Your statement", Message = "It is ready.", AddressBookIds = [book],
        });

        var page = Open($"compose?from={sent.CampaignId}");

        page.WaitForAssertion(() => Assert.Equal("Your statement", page.Find("input[data-testid=compose-subject]").GetAttribute("value")), Patience);
        Assert.True(page.Find("input[data-channel=email]").HasAttribute("checked"));
        Assert.Equal("Copy of November", page.Find("input[data-testid=compose-name]").GetAttribute("value"));
    }
}
