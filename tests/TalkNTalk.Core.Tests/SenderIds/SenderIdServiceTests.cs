using TalkNTalk.Core.Common;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Tests.Infrastructure;

namespace TalkNTalk.Core.Tests.SenderIds;

public sealed class SenderIdServiceTests
{
    [Theory]
    [InlineData("", "Enter a sender ID.")]
    [InlineData("   ", "Enter a sender ID.")]
    [InlineData("ACMEBANKKENYA", "at most 11 characters")]
    [InlineData("ACME BANK", "letters A–Z and digits")]
    [InlineData("ACME-BANK", "letters A–Z and digits")]
    [InlineData("ÀCMEBANK", "letters A–Z and digits")]
    [InlineData("0712345678", "at least one letter")]
    [InlineData("AB", "at least 3 characters")]
    public void Operator_rules_are_checked_with_a_message_saying_what_to_fix(string name, string expected)
    {
        var error = Assert.Throws<DomainException>(() => SenderIdService.Validate(name));
        Assert.Equal("name", error.Field);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("ACMEBANK")]
    [InlineData(" Safaricom ")]
    [InlineData("KCB2026")]
    [InlineData("ABCDEFGHIJK")]
    public void Valid_names_are_trimmed_and_kept_as_typed(string name) =>
        Assert.Equal(name.Trim(), SenderIdService.Validate(name));

    [Fact]
    public async Task A_registered_sender_id_is_pending_and_duplicates_are_refused_in_any_case()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();

        var promo = await senders.RegisterAsync(org, "AcmePromo", SenderIdCategory.Promotional);
        var duplicate = await Assert.ThrowsAsync<DomainException>(() => senders.RegisterAsync(org, "ACMEPROMO", SenderIdCategory.Transactional));

        Assert.Equal(SenderIdStatus.Pending, promo.Status);
        Assert.False(promo.IsDefault);
        Assert.Equal("name", duplicate.Field);
        Assert.Equal(2, (await senders.ListAsync(org)).Count);
    }

    [Fact]
    public async Task Only_an_approved_sender_id_can_become_the_default_and_the_default_cannot_be_rejected()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var senders = services.Get<SenderIdService>();
        var promo = await senders.RegisterAsync(org, "ACMEPROMO", SenderIdCategory.Promotional);

        var notApproved = await Assert.ThrowsAsync<DomainException>(() => senders.SetDefaultAsync(org, promo.Id));
        Assert.Equal("sender_id_not_approved", notApproved.Code);

        await senders.ApproveAsync(org, promo.Id, "admin@acme.co.ke");
        await senders.SetDefaultAsync(org, promo.Id);
        var list = await senders.ListAsync(org);
        Assert.Equal("ACMEPROMO", Assert.Single(list, s => s.IsDefault).Name);
        Assert.Equal("admin@acme.co.ke", list.Single(s => s.Name == "ACMEPROMO").DecidedBy);

        var rejectDefault = await Assert.ThrowsAsync<DomainException>(() => senders.RejectAsync(org, promo.Id, "admin"));
        Assert.Equal("sender_id_is_default", rejectDefault.Code);

        var old = list.Single(s => s.Name == "ACMEKE");
        var rejected = await senders.RejectAsync(org, old.Id, "admin");
        Assert.Equal(SenderIdStatus.Rejected, rejected.Status);
    }

    [Fact]
    public async Task Another_organisations_sender_id_is_not_found()
    {
        await using var services = await TestServices.StartAsync();
        var acme = await services.CreateOrganisationAsync("Acme Kenya");
        var baraka = await services.CreateOrganisationAsync("Baraka Sacco", sender: "BARAKA");
        var senders = services.Get<SenderIdService>();
        var barakaSender = (await senders.ListAsync(baraka)).Single();

        Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(() => senders.ApproveAsync(acme, barakaSender.Id, "admin"))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<DomainException>(() => senders.SetDefaultAsync(acme, barakaSender.Id))).Code);
        Assert.DoesNotContain(await senders.ListAsync(acme), s => s.Name == "BARAKA");

        // The same name is free to register in another organisation.
        await senders.RegisterAsync(acme, "BARAKA", SenderIdCategory.Transactional);
    }

    [Fact]
    public async Task A_page_is_sorted_in_the_database_by_the_column_asked_for_and_counts_every_row()
    {
        await using var services = await TestServices.StartAsync();
        var org = await services.CreateOrganisationAsync();
        var other = await services.CreateOrganisationAsync("Other Org", sender: "OTHERKE");
        var senders = services.Get<SenderIdService>();
        foreach (var name in new[] { "ZEBRA", "alpha", "Mango", "BETA" })
            await senders.RegisterAsync(org, name, SenderIdCategory.Transactional);
        await senders.RegisterAsync(other, "OTHERORG", SenderIdCategory.Transactional);

        var (first, total) = await senders.PageAsync(org, new PageRequest(0, 2, nameof(SenderIdView.Name)));
        var (second, _) = await senders.PageAsync(org, new PageRequest(2, 2, nameof(SenderIdView.Name)));
        var (descending, _) = await senders.PageAsync(org, new PageRequest(0, 1, nameof(SenderIdView.Name), Descending: true));
        var (byDefault, _) = await senders.PageAsync(org, new PageRequest(0, 1));

        Assert.Equal(5, total); // the four and the organisation's approved default
        Assert.Equal(["ACMEKE", "alpha"], first.Select(s => s.Name));
        Assert.Equal(["BETA", "Mango"], second.Select(s => s.Name));
        Assert.Equal("ZEBRA", Assert.Single(descending).Name);
        Assert.True(Assert.Single(byDefault).IsDefault);
    }
}
