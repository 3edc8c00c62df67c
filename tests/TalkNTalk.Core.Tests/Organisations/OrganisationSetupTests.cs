using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;
using TalkNTalk.Core.Users;

namespace TalkNTalk.Core.Tests.Organisations;

public sealed class OrganisationSetupTests
{
    private static SetupRequest Valid => new("Baraka Sacco", "BARAKA", "Africa/Nairobi", "Achieng Otieno", "achieng@baraka.co.ke", "baraka-pass-2026");

    [Fact]
    public async Task First_run_creates_the_organisation_admin_default_sender_and_empty_wallet_then_closes()
    {
        await using var services = await TestServices.StartAsync();
        var setup = services.Get<OrganisationSetup>();
        Assert.False(await setup.IsCompleteAsync());

        var org = await setup.CreateFirstAsync(Valid);

        Assert.True(await setup.IsCompleteAsync());
        await using var db = services.NewDb();
        Assert.Equal("Africa/Nairobi", (await db.Organisations.SingleAsync()).TimeZoneId);
        var sender = await db.SenderIds.SingleAsync();
        Assert.Equal(("BARAKA", SenderIdStatus.Approved, true), (sender.Name, sender.Status, sender.IsDefault));
        Assert.Equal(0m, (await db.Wallets.SingleAsync(w => w.OrganisationId == org)).Available);
        Assert.Equal(MemberRole.Admin, (await db.Memberships.SingleAsync()).Role);

        var again = await Assert.ThrowsAsync<DomainException>(() => setup.CreateFirstAsync(Valid with { OrganisationName = "Other" }));
        Assert.Equal("already_set_up", again.Code);
    }

    [Theory]
    [InlineData("", "BARAKA", "Africa/Nairobi", "achieng@baraka.co.ke", "baraka-pass-2026", "organisationName")]
    [InlineData("Baraka Sacco", "BARAKA SACCO", "Africa/Nairobi", "achieng@baraka.co.ke", "baraka-pass-2026", "name")]
    [InlineData("Baraka Sacco", "BARAKA", "Mars/Olympus", "achieng@baraka.co.ke", "baraka-pass-2026", "timeZoneId")]
    [InlineData("Baraka Sacco", "BARAKA", "Africa/Nairobi", "achieng", "baraka-pass-2026", "email")]
    [InlineData("Baraka Sacco", "BARAKA", "Africa/Nairobi", "achieng@baraka.co.ke", "short", "password")]
    public async Task Bad_setup_input_is_refused_and_leaves_nothing_behind(string org, string sender, string zone, string email, string password, string field)
    {
        await using var services = await TestServices.StartAsync();
        var setup = services.Get<OrganisationSetup>();

        var error = await Assert.ThrowsAsync<DomainException>(() => setup.CreateFirstAsync(new SetupRequest(org, sender, zone, "Achieng", email, password)));

        Assert.Equal(field, error.Field);
        Assert.False(await setup.IsCompleteAsync());
        await using var db = services.NewDb();
        Assert.Empty(await db.Organisations.ToListAsync());
        Assert.Empty(await db.SenderIds.ToListAsync());
        Assert.Empty(await db.Wallets.ToListAsync());
    }

    [Fact]
    public async Task Bootstrap_is_idempotent_across_restarts()
    {
        await using var services = await TestServices.StartAsync();
        var setup = services.Get<OrganisationSetup>();
        var options = new BootstrapOptions
        {
            OrganisationName = "Acme Kenya",
            DefaultSenderId = "ACMEKE",
            AdminEmail = "ops@acme.co.ke",
            AdminPassword = "correct-horse-7",
            OpeningCredit = 1500m,
            ApiKey = "tk_live_BootstrapKey0123456789abcdefghij",
        };

        await setup.BootstrapAsync(options);
        await setup.BootstrapAsync(options);

        await using var db = services.NewDb();
        Assert.Single(await db.Organisations.ToListAsync());
        Assert.Single(await db.Users.ToListAsync());
        var wallet = await db.Wallets.SingleAsync();
        Assert.Equal(1500m, wallet.Available);
        Assert.Equal("bootstrap:opening-credit", (await db.WalletLedger.SingleAsync()).Reference);
        Assert.Equal(TalkNTalk.Core.ApiKeys.ApiScopes.Read | TalkNTalk.Core.ApiKeys.ApiScopes.Send, (await db.ApiKeys.SingleAsync()).Scopes);
        Assert.NotNull((await services.Get<TalkNTalk.Core.ApiKeys.ApiKeyService>().AuthenticateAsync(options.ApiKey)).Caller);
    }

    [Fact]
    public async Task Bootstrap_without_settings_does_nothing()
    {
        await using var services = await TestServices.StartAsync();
        await services.Get<OrganisationSetup>().BootstrapAsync(new BootstrapOptions());
        Assert.False(await services.Get<OrganisationSetup>().IsCompleteAsync());
    }

    [Fact]
    public void Times_show_in_the_organisation_zone()
    {
        var utc = new DateTime(2026, 5, 20, 8, 30, 0, DateTimeKind.Utc);
        var local = OrganisationTime.ToLocal(utc, "Africa/Nairobi");
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 11, 30, 0, TimeSpan.FromHours(3)), local);
        Assert.Equal(TimeSpan.FromHours(3), OrganisationTime.ToLocal(utc, "Nowhere/Unknown").Offset);
    }
}
