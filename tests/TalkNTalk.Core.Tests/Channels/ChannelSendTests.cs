using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Channels.WhatsApp;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Tests.Infrastructure;
using static TalkNTalk.Core.Tests.Channels.ChannelTestKit;

namespace TalkNTalk.Core.Tests.Channels;

/// <summary>Accepting a send on each channel: its origin, its addresses, its body rules and its price; bad input named by field, nothing queued or charged.</summary>
public sealed class ChannelSendTests
{
    [Fact]
    public async Task A_WhatsApp_template_send_stores_each_recipients_parameters_and_is_priced_per_message()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.WhatsApp, "+254 712 345 678", providerRef: "106540352242922");
        await services.Get<WhatsAppTemplates>().AddAsync(org, "order_update", "en", "Hi {{1}}, order {{2}} is on its way.");
        var book = await BookAsync(services, org, "Customers",
            new ContactInput("0712000001", "Wanjiku", null, new Dictionary<string, string> { ["order"] = "A-17" }),
            new ContactInput("0733000002", "Otieno", null, new Dictionary<string, string> { ["order"] = "B-4" }));

        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.WhatsApp, SenderId = "0712345678", AddressBookIds = [book],
            Template = new WhatsAppTemplate("order_update", "en", ["{first_name}", "{order}"]),
        });

        Assert.Equal((2, 1.60m, "254712345678"), (result.Queued.Count, result.Cost, result.SenderId));
        await using var db = services.NewDb();
        var bodies = await db.Messages.OrderBy(m => m.Address).Select(m => m.Body).ToListAsync();
        Assert.True(WhatsAppTemplate.TryParse(bodies[0], out var first));
        Assert.Equal(new[] { "Wanjiku", "A-17" }, first.Parameters);
        Assert.Equal("Template order_update (en): Otieno · B-4", WhatsAppTemplate.Display(bodies[1]));
        Assert.All(await db.Messages.ToListAsync(), m => Assert.Equal((Channel.WhatsApp, 1), (m.Channel, m.Segments)));
    }

    public static TheoryData<string, string> BadSends => new()
    {
        { "template on SMS", "template" },
        { "template not registered", "template" },
        { "template with the wrong parameters", "template" },
        { "body and template", "template" },
        { "empty template parameter", "template" },
        { "subject on a template", "subject" },
        { "Telegram body too long", "message" },
        { "e-mail without a subject", "subject" },
        { "subject on SMS", "subject" },
        { "e-mail to typed numbers", "recipients" },
        { "book without e-mail addresses", "recipients" },
        { "unverified e-mail sender", "senderId" },
        { "no Telegram bot", "senderId" },
        { "bot of another name", "senderId" },
    };

    [Theory]
    [MemberData(nameof(BadSends))]
    public async Task Bad_channel_sends_name_the_field_to_fix_and_queue_and_charge_nothing(string scenario, string field)
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 100m);
        await services.Get<WhatsAppTemplates>().AddAsync(org, "order_update", "en", "Hi {{1}}, order {{2}} is on its way.");
        await OriginAsync(services, org, Channel.WhatsApp, "0712345678", providerRef: "106540352242922");
        var phones = await BookAsync(services, org, "Phones", new ContactInput("0712000001", "Wanjiku", null));
        var everyone = await BookAsync(services, org, "Everyone", new ContactInput("0712000002", "Otieno", null, Email: "otieno@example.co.ke", TelegramChatId: "222"));
        if (scenario == "unverified e-mail sender")
            await services.Get<Core.SenderIds.SenderIdService>().RegisterAsync(org, new Core.SenderIds.OriginRequest(Channel.Email, "news@acme.co.ke"));
        else if (scenario != "no Telegram bot")
        {
            await OriginAsync(services, org, Channel.Email, "news@acme.co.ke");
            await OriginAsync(services, org, Channel.Telegram, "@AcmeKenyaBot");
        }
        var template = new WhatsAppTemplate("order_update", "en", ["Wanjiku", "A-17"]);
        var request = scenario switch
        {
            "template on SMS" => new SendRequest { OrganisationId = org, Template = template, AddressBookIds = [phones] },
            "template not registered" => new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Template = template with { Name = "promo_june" }, AddressBookIds = [phones] },
            "template with the wrong parameters" => new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Template = template with { Parameters = ["Wanjiku"] }, AddressBookIds = [phones] },
            "empty template parameter" => new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Template = template with { Parameters = ["Wanjiku", " "] }, AddressBookIds = [phones] },
            "subject on a template" => new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Subject = "Hi", Template = template, AddressBookIds = [phones] },
            "body and template" => new SendRequest { OrganisationId = org, Channel = Channel.WhatsApp, Message = "Hi", Template = template, AddressBookIds = [phones] },
            "Telegram body too long" => new SendRequest { OrganisationId = org, Channel = Channel.Telegram, Message = new string('a', 4_097), AddressBookIds = [everyone] },
            "e-mail without a subject" => new SendRequest { OrganisationId = org, Channel = Channel.Email, Message = "Hello", AddressBookIds = [everyone] },
            "subject on SMS" => new SendRequest { OrganisationId = org, Subject = "Hello", Message = "Hello", AddressBookIds = [phones] },
            "e-mail to typed numbers" => new SendRequest { OrganisationId = org, Channel = Channel.Email, Subject = "Hi", Message = "Hello", Numbers = ["0712000001"] },
            "book without e-mail addresses" => new SendRequest { OrganisationId = org, Channel = Channel.Email, Subject = "Hi", Message = "Hello", AddressBookIds = [phones] },
            "bot of another name" => new SendRequest { OrganisationId = org, Channel = Channel.Telegram, SenderId = "OtherBot", Message = "Hello", AddressBookIds = [everyone] },
            _ => new SendRequest { OrganisationId = org, Channel = scenario == "no Telegram bot" ? Channel.Telegram : Channel.Email, Subject = scenario == "no Telegram bot" ? null : "Hi", Message = "Hello", AddressBookIds = [everyone] },
        };

        var refused = await Assert.ThrowsAsync<DomainException>(() => services.Get<CampaignService>().SendToAddressBooksAsync(request));

        Assert.Equal(field, refused.Field);
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
        await using var db = services.NewDb();
        Assert.Empty(await db.Campaigns.ToListAsync());
        Assert.Empty(await db.Messages.ToListAsync());
        var wallet = await db.Wallets.SingleAsync();
        Assert.Equal((100m, 0m), (wallet.Available, wallet.Reserved));
    }

    [Fact]
    public async Task A_list_without_addresses_on_the_channel_says_how_many_contacts_have_none()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 100m);
        await OriginAsync(services, org, Channel.Email, "news@acme.co.ke");
        var book = await BookAsync(services, org, "Phones", new ContactInput("0712000001", "Wanjiku", null), new ContactInput("0712000002", "Otieno", null));

        var refused = await Assert.ThrowsAsync<DomainException>(() => services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.Email, Subject = "Hi", Message = "Hello", AddressBookIds = [book],
        }));

        Assert.Contains("none of the active contacts of the chosen list has an e-mail address (2 have none)", refused.Message);
    }

    [Fact]
    public async Task Slack_sends_as_the_workspace_bot_when_no_origin_is_registered()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 1m);
        var book = await BookAsync(services, org, "Team", new ContactInput(null, "Wanjiku", null, SlackUserId: "u024be7lh"));

        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.Slack, Message = "Stand-up in 5", AddressBookIds = [book],
        });

        Assert.Equal(("", 0.10m), (result.SenderId, result.Cost));
        Assert.Equal("U024BE7LH", Assert.Single(result.Queued).Mobile);
    }

    [Fact]
    public async Task The_quote_prices_other_channels_by_the_message_whatever_its_length()
    {
        await using var services = await TestServices.StartAsync();
        var campaigns = services.Get<CampaignService>();
        var sample = new Recipient("wanjiku@example.co.ke", Core.Phones.Network.None, "Wanjiku", null, null);

        var email = campaigns.Quote(new string('x', 5_000) + " {first_name}", sample, default, 1_000, channel: Channel.Email);
        var telegram = campaigns.Quote(new string('x', 5_000), sample, default, 10, channel: Channel.Telegram);

        Assert.Equal((0.10m, 100m, null), (email.CostPerRecipient, email.TotalCost, email.MessageProblem));
        Assert.EndsWith(" Wanjiku", email.Body);
        Assert.Contains("at most 4,096 characters", telegram.MessageProblem);
    }

    [Fact]
    public async Task A_recipient_whose_template_parameter_personalises_to_nothing_gets_none_and_costs_nothing()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 10m);
        await OriginAsync(services, org, Channel.WhatsApp, "0712345678", providerRef: "106540352242922");
        await services.Get<WhatsAppTemplates>().AddAsync(org, "order_update", "en", "Hi {{1}}, order {{2}} is on its way.");
        var book = await BookAsync(services, org, "Customers",
            new ContactInput("0712000001", "Wanjiku", null, new Dictionary<string, string> { ["order"] = "A-17" }),
            new ContactInput("0733000002", "Otieno", null));

        var result = await services.Get<CampaignService>().SendToAddressBooksAsync(new SendRequest
        {
            OrganisationId = org, Channel = Channel.WhatsApp, AddressBookIds = [book], Template = new WhatsAppTemplate("order_update", "en", ["{first_name}", "{order}"]),
        });

        Assert.Equal(["254712000001"], result.Queued.Select(q => q.Mobile));
        Assert.Equal(("254733000002", "empty_message"), (result.Errors.Single().Mobile, result.Errors.Single().Error));
        Assert.Equal(0.80m, result.Cost);
    }

    [Fact]
    public async Task An_sms_body_that_looks_like_a_template_is_sent_as_written()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync(credit: 10m);
        var body = new WhatsAppTemplate("order_update", "en", ["x"]).ToBody();

        var result = await services.Get<CampaignService>().SendBulkAsync(new SendRequest { OrganisationId = org, Message = body, Numbers = ["0712000001"] });

        await using var db = services.NewDb();
        Assert.Equal(body, (await db.Messages.SingleAsync(m => m.CampaignId == result.CampaignId)).Body);
    }
}
