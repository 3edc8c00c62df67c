using Bunit;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Account;

public sealed class SetupTests : ComponentTest
{
    [Fact]
    public async Task Check_reports_every_wrong_field_at_once()
    {
        var problems = await App.Service<OrganisationSetup>().CheckAsync(
            new SetupRequest("", "BARAKA SACCO!", "Mars/Olympus", "", "achieng@baraka", "short"));

        Assert.Equal(["organisationName", "name", "timeZoneId", "displayName", "email", "password"], problems.Select(p => p.Field));
    }

    [Fact]
    public void One_submit_shows_every_field_error_next_to_its_field()
    {
        var cut = Render<Setup>();
        cut.Find("#defaultSenderId").Change("BARAKA SAC!");
        cut.Find("#adminEmail").Change("achieng@baraka");
        cut.Find("#adminPassword").Change("baraka-pass-2026");
        cut.Find("#confirmPassword").Change("something-else-1");

        cut.Find("form").Submit();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Enter your organisation's name.", cut.Find("[data-field=organisationName]").TextContent);
            Assert.Contains("letters A–Z and digits", cut.Find("[data-field=name]").TextContent);
            Assert.Contains("Enter your name.", cut.Find("[data-field=displayName]").TextContent);
            Assert.Contains("is not an e-mail address", cut.Find("[data-field=email]").TextContent);
            Assert.Contains("The two passwords are not the same.", cut.Markup);
        });
    }
}
