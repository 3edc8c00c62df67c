using Bunit;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Dashboard.ApiKeys;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.ApiKeys;

public sealed class ApiKeysPageTests : ComponentTest
{
    [Fact]
    public void A_new_key_is_shown_once_at_the_top_of_the_page_and_focused()
    {
        var cut = Render<ApiKeysPage>();

        cut.Find("#key-name").Change("Billing server");
        cut.Find("form").Submit();

        var key = cut.WaitForElement("[data-testid=new-key-box] [data-testid=new-key]");
        Assert.StartsWith("tk_live_", key.TextContent.Trim());
        // Above the form and the list: the first thing after the header, whatever the screen height.
        Assert.True(cut.Markup.IndexOf("data-testid=\"new-key\"", StringComparison.Ordinal) < cut.Markup.IndexOf("page-grid", StringComparison.Ordinal));
        Assert.Contains(JSInterop.Invocations, i => i.Identifier.EndsWith("focus", StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.Contains("Billing server", cut.Find("[data-testid=keys-grid]").TextContent));

        var again = Render<ApiKeysPage>();
        again.WaitForAssertion(() => Assert.Contains("Billing server", again.Find("[data-testid=keys-grid]").TextContent));
        Assert.Empty(again.FindAll("[data-testid=new-key]"));
    }

    [Fact]
    public async Task Revoking_a_key_asks_first_and_cancel_keeps_it()
    {
        await App.Service<ApiKeyService>().CreateAsync(OrganisationId, "Billing server", ApiScopes.Read, null, "admin@acme.co.ke");
        var dialogs = RenderDialogProvider();
        var cut = Render<ApiKeysPage>();

        cut.WaitForElement("[data-testid=revoke-key]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke “Billing server”?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Revoke “Billing server”?", dialogs.Markup));
        Assert.Null((await App.Service<ApiKeyService>().ListAsync(OrganisationId)).Single().RevokedAt);

        cut.Find("[data-testid=revoke-key]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click());

        cut.WaitForAssertion(() => Assert.Contains("Revoked", cut.Find("[data-testid=keys-grid]").TextContent));
        Assert.NotNull((await App.Service<ApiKeyService>().ListAsync(OrganisationId)).Single().RevokedAt);
    }
}
