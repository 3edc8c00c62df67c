using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.ApiKeys;

public sealed class ApiKeyServiceTests
{
    [Fact]
    public async Task A_new_key_is_shown_once_stored_as_a_hash_and_recognised()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var keys = services.Get<ApiKeyService>();

        var (view, secret) = await keys.CreateAsync(org, " Billing server ", ApiScopes.Read, null, "admin@acme.co.ke");
        var (caller, problem) = await keys.AuthenticateAsync(secret);

        Assert.Matches("^tk_live_[A-Za-z0-9]{32}$", secret);
        Assert.Equal(("Billing server", secret[..12]), (view.Name, view.DisplayPrefix));
        Assert.Null(problem);
        Assert.Equal((org, ApiScopes.Read, "Africa/Nairobi"), (caller!.OrganisationId, caller.Scopes, caller.TimeZoneId));
        await using var db = services.NewDb();
        var stored = await db.ApiKeys.SingleAsync();
        Assert.DoesNotContain(secret[8..], stored.Hash + stored.DisplayPrefix);
        Assert.NotNull(stored.LastUsedAt);
    }

    [Fact]
    public async Task Expired_and_revoked_keys_are_refused_and_bad_requests_say_what_to_fix()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var keys = services.Get<ApiKeyService>();
        var now = services.Clock.GetUtcNow().UtcDateTime;
        var (_, expiring) = await keys.CreateAsync(org, "Short-lived", ApiScopes.Send, now.AddHours(1), null);
        var (revoked, revokedSecret) = await keys.CreateAsync(org, "Old", ApiScopes.Read, null, null);
        await keys.RevokeAsync(org, revoked.Id);
        services.Clock.Advance(TimeSpan.FromHours(2));

        Assert.Contains("expired", (await keys.AuthenticateAsync(expiring)).Problem);
        Assert.Contains("revoked", (await keys.AuthenticateAsync(revokedSecret)).Problem);
        Assert.Equal("name", (await Assert.ThrowsAsync<DomainException>(() => keys.CreateAsync(org, " ", ApiScopes.Read, null, null))).Field);
        Assert.Equal("scopes", (await Assert.ThrowsAsync<DomainException>(() => keys.CreateAsync(org, "x", ApiScopes.None, null, null))).Field);
        Assert.Equal("expiresAt", (await Assert.ThrowsAsync<DomainException>(() => keys.CreateAsync(org, "x", ApiScopes.Read, now, null))).Field);
        var other = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(() => keys.RevokeAsync(other, revoked.Id))).Code);
    }
}
