using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.SenderIds;

/// <summary>Origins on every channel: each channel's format, who approves it, a default per channel, e-mail verification by link.</summary>
public sealed class OriginTests
{
    private sealed class RecordingVerification : IOriginVerificationSender
    {
        public ConcurrentQueue<(SenderIdView Origin, string Token)> Sent { get; } = new();

        public Task SendAsync(SenderIdView origin, string token, CancellationToken ct)
        {
            Sent.Enqueue((origin, token));
            return Task.CompletedTask;
        }
    }

    private static async Task<(TestServices Services, RecordingVerification Links)> StartAsync()
    {
        var links = new RecordingVerification();
        var services = await TestServices.StartAsync(configure: s => s.AddSingleton<IOriginVerificationSender>(links));
        return (services, links);
    }

    [Fact]
    public async Task Each_channel_stores_its_origin_in_its_own_form_and_the_same_name_may_serve_two_channels()
    {
        var (services, _) = await StartAsync();
        await using var _s = services;
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();

        var whatsapp = await senders.RegisterAsync(org, new OriginRequest(Channel.WhatsApp, "0712 345 678", ProviderRef: "106540352242922"));
        var bot = await senders.RegisterAsync(org, new OriginRequest(Channel.Telegram, "AcmeKenyaBot", Secret: Channels.ChannelTestKit.BotToken));
        var email = await senders.RegisterAsync(org, new OriginRequest(Channel.Email, "News@Acme.co.ke"));
        var slack = await senders.RegisterAsync(org, new OriginRequest(Channel.Slack, "Acme Alerts"));
        var smsTwin = await senders.RegisterAsync(org, new OriginRequest(Channel.Sms, "ACMEALERTS"));

        Assert.Equal(("254712345678", SenderIdStatus.Pending, "106540352242922"), (whatsapp.Name, whatsapp.Status, whatsapp.ProviderRef));
        Assert.Equal(("@AcmeKenyaBot", SenderIdStatus.Approved, true, true), (bot.Name, bot.Status, bot.IsDefault, bot.HasSecret));
        Assert.Equal(("news@acme.co.ke", SenderIdStatus.Pending, true), (email.Name, email.Status, email.AwaitingVerification));
        Assert.Equal(("Acme Alerts", SenderIdStatus.Approved, true), (slack.Name, slack.Status, slack.IsDefault));
        Assert.Equal(SenderIdStatus.Pending, smsTwin.Status);
        // The bot's token is stored encrypted and read back only by providers.
        await using var db = services.NewDb();
        var stored = await db.SenderIds.SingleAsync(s => s.Id == bot.Id);
        Assert.DoesNotContain("AAHdqTcv", stored.Secret);
        Assert.Equal(Channels.ChannelTestKit.BotToken, (await services.Get<OriginSecrets>().FindAsync(org, Channel.Telegram, "@acmekenyabot"))!.Secret);
        Assert.Equal(["ACMEKE", "254712345678", "@AcmeKenyaBot", "news@acme.co.ke", "Acme Alerts"],
            (await senders.ListAsync(org)).Where(s => s.Name != "ACMEALERTS").Select(s => s.Name));
    }

    public static TheoryData<Channel, string?, string?, string?, string> BadOrigins => new()
    {
        { Channel.WhatsApp, "12345", "106540352242922", null, "name" },
        { Channel.WhatsApp, "0712345678", "", null, "providerRef" },
        { Channel.WhatsApp, "0712345678", "phone-id", null, "providerRef" },
        { Channel.Telegram, "@Acme", null, Channels.ChannelTestKit.BotToken, "name" },
        { Channel.Telegram, "@AcmeKenyaBot", null, "not-a-token", "secret" },
        { Channel.Telegram, "@AcmeKenyaBot", null, null, "secret" },
        { Channel.Email, "news@acme", null, null, "name" },
        { Channel.Email, "news @acme.co.ke", null, null, "name" },
        { Channel.Slack, "", null, null, "name" },
        { Channel.Sms, "ACME KENYA", null, null, "name" },
    };

    [Theory]
    [MemberData(nameof(BadOrigins))]
    public async Task A_bad_origin_names_the_field_to_fix_and_stores_nothing(Channel channel, string? name, string? providerRef, string? secret, string field)
    {
        var (services, links) = await StartAsync();
        await using var _s = services;
        var org = await services.CreateOrganisationAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            services.Get<SenderIdService>().RegisterAsync(org, new OriginRequest(channel, name, ProviderRef: providerRef, Secret: secret)));

        Assert.Equal(field, refused.Field);
        Assert.Single(await services.Get<SenderIdService>().ListAsync(org));
        Assert.Empty(links.Sent);
    }

    [Fact]
    public async Task An_email_sender_is_approved_by_its_link_only_and_the_first_one_verified_becomes_the_default()
    {
        var (services, links) = await StartAsync();
        await using var _s = services;
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();
        var registered = await senders.RegisterAsync(org, new OriginRequest(Channel.Email, "news@acme.co.ke"));
        var (origin, firstToken) = Assert.Single(links.Sent);
        Assert.Equal(registered.Id, origin.Id);

        var byHand = await Assert.ThrowsAsync<DomainException>(() => senders.ApproveAsync(org, registered.Id, "admin@acme.co.ke"));
        Assert.Equal("verification_required", byHand.Code);
        await senders.ResendVerificationAsync(org, registered.Id);
        var secondToken = links.Sent.Last().Token;
        Assert.Equal("invalid_token", (await Assert.ThrowsAsync<DomainException>(() => senders.VerifyAsync(registered.Id, firstToken))).Code);
        Assert.Equal("invalid_token", (await Assert.ThrowsAsync<DomainException>(() => senders.VerifyAsync(registered.Id, "guess"))).Code);

        var verified = await senders.VerifyAsync(registered.Id, secondToken);

        Assert.Equal((SenderIdStatus.Approved, true, false), (verified.Status, verified.IsDefault, verified.AwaitingVerification));
        Assert.Equal("invalid_token", (await Assert.ThrowsAsync<DomainException>(() => senders.VerifyAsync(registered.Id, secondToken))).Code);
    }

    [Fact]
    public async Task An_old_verification_link_has_expired()
    {
        var (services, links) = await StartAsync();
        await using var _s = services;
        var org = await services.CreateOrganisationAsync();
        var registered = await services.Get<SenderIdService>().RegisterAsync(org, new OriginRequest(Channel.Email, "news@acme.co.ke"));
        services.Clock.Advance(SenderIdService.VerificationLifetime + TimeSpan.FromMinutes(1));

        var refused = await Assert.ThrowsAsync<DomainException>(() => services.Get<SenderIdService>().VerifyAsync(registered.Id, links.Sent.Single().Token));

        Assert.Equal("expired_token", refused.Code);
    }

    [Fact]
    public async Task Each_channel_has_its_own_default()
    {
        var (services, _) = await StartAsync();
        await using var _s = services;
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();
        var first = await senders.RegisterAsync(org, new OriginRequest(Channel.Telegram, "@AcmeKenyaBot", Secret: Channels.ChannelTestKit.BotToken));
        var second = await senders.RegisterAsync(org, new OriginRequest(Channel.Telegram, "@AcmeNewsBot", Secret: Channels.ChannelTestKit.BotToken));
        Assert.Equal((true, false), (first.IsDefault, second.IsDefault));

        await senders.SetDefaultAsync(org, second.Id);

        var all = await senders.ListAsync(org);
        Assert.Equal(["ACMEKE", "@AcmeNewsBot"], all.Where(s => s.IsDefault).Select(s => s.Name));
    }

    [Fact]
    public async Task A_bot_gets_its_new_token_and_providers_read_the_new_one()
    {
        var (services, _) = await StartAsync();
        await using var _s = services;
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();
        var bot = await senders.RegisterAsync(org, new OriginRequest(Channel.Telegram, "@AcmeKenyaBot", Secret: Channels.ChannelTestKit.BotToken));
        Assert.Equal(Channels.ChannelTestKit.BotToken, (await services.Get<OriginSecrets>().FindAsync(org, Channel.Telegram, "@AcmeKenyaBot"))!.Secret);
        const string renewed = "123456789:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq";

        Assert.Equal("secret", (await Assert.ThrowsAsync<DomainException>(() => senders.ReplaceSecretAsync(org, bot.Id, "nonsense"))).Field);
        await senders.ReplaceSecretAsync(org, bot.Id, renewed);

        Assert.Equal(renewed, (await services.Get<OriginSecrets>().FindAsync(org, Channel.Telegram, "@AcmeKenyaBot"))!.Secret);
        var sms = (await senders.ListAsync(org)).Single(s => s.Channel == Channel.Sms);
        Assert.Equal("secret", (await Assert.ThrowsAsync<DomainException>(() => senders.ReplaceSecretAsync(org, sms.Id, renewed))).Field);
    }

    [Fact]
    public async Task A_phone_number_id_another_organisation_registered_is_refused()
    {
        var (services, _) = await StartAsync();
        await using var _s = services;
        var acme = await services.CreateOrganisationAsync();
        var other = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        var senders = services.Get<SenderIdService>();
        await senders.RegisterAsync(acme, new OriginRequest(Channel.WhatsApp, "0712345678", ProviderRef: "106540352242922"));

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            senders.RegisterAsync(other, new OriginRequest(Channel.WhatsApp, "0733345678", ProviderRef: "106540352242922")));

        Assert.Equal("providerRef", refused.Field);
        Assert.DoesNotContain(await senders.ListAsync(other), s => s.Channel == Channel.WhatsApp);
    }

    [Fact]
    public async Task A_rejected_email_sender_can_be_sent_a_new_link_and_verified()
    {
        var (services, links) = await StartAsync();
        await using var _s = services;
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();
        var registered = await senders.RegisterAsync(org, new OriginRequest(Channel.Email, "news@acme.co.ke"));
        await senders.RejectAsync(org, registered.Id, "admin@acme.co.ke");

        var again = await senders.ResendVerificationAsync(org, registered.Id);
        var verified = await senders.VerifyAsync(registered.Id, links.Sent.Last().Token);

        Assert.Equal((SenderIdStatus.Pending, true), (again.Status, again.AwaitingVerification));
        Assert.Equal(SenderIdStatus.Approved, verified.Status);
    }

    [Fact]
    public async Task A_token_the_key_ring_cannot_read_is_as_good_as_none()
    {
        var (services, _) = await StartAsync();
        await using var _s = services;
        var org = await services.CreateOrganisationAsync();
        var bot = await services.Get<SenderIdService>().RegisterAsync(org, new OriginRequest(Channel.Telegram, "@AcmeKenyaBot", Secret: Channels.ChannelTestKit.BotToken));
        await using (var db = services.NewDb())
            await db.SenderIds.Where(s => s.Id == bot.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Secret, "CfDJ8-written-under-another-key-ring"));

        var origin = await services.Get<OriginSecrets>().FindAsync(org, Channel.Telegram, "@AcmeKenyaBot");

        Assert.Equal(("@AcmeKenyaBot", null), (origin!.Name, origin.Secret));
    }
}
