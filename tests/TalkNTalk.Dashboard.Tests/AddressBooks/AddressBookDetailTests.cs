using TalkNTalk.Dashboard.Tests.Components;
using AngleSharp.Dom;
using Bunit;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Dashboard.AddressBooks;

namespace TalkNTalk.Dashboard.Tests.AddressBooks;

public sealed class AddressBookDetailTests : ComponentTest
{
    private async Task<Guid> BookAsync(params (string Mobile, string First, string Last)[] people)
    {
        var book = await App.Service<AddressBookService>().CreateAsync(OrganisationId, "Customers", null);
        foreach (var (mobile, first, last) in people)
            await App.Service<ContactService>().AddAsync(OrganisationId, book.Id, new ContactInput(mobile, first, last,
                new Dictionary<string, string> { ["branch"] = first == "Wanjiku" ? "Westlands" : "Kisumu" }));
        return book.Id;
    }

    private IRenderedComponent<AddressBookDetail> RenderBook(Guid book) => Render<AddressBookDetail>(p => p.Add(d => d.BookId, book));

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<AddressBookDetail> cut) =>
        cut.FindAll("[data-testid=contacts-grid] tbody tr.mud-table-row");

    private static IElement Button(IRenderedComponent<AddressBookDetail> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    [Fact]
    public async Task Numbers_show_in_one_format_and_search_ignores_accents_and_covers_custom_fields()
    {
        var book = await BookAsync(("0712345678", "José", "Núñez"), ("0733111222", "Wanjiku", "Kamau"));
        var cut = RenderBook(book);
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        Assert.Contains("+254 712 345 678", cut.Markup);

        cut.Find("input[data-testid=contact-search]").Input("jose");
        cut.WaitForAssertion(() => Assert.Equal(["+254 712 345 678"], Rows(cut).Select(r => r.QuerySelector(".mono")!.TextContent.Trim())));

        cut.Find("input[data-testid=contact-search]").Input("westlands");
        cut.WaitForAssertion(() => Assert.Equal(["+254 733 111 222"], Rows(cut).Select(r => r.QuerySelector(".mono")!.TextContent.Trim())));
        Assert.Single(cut.FindAll("input[data-testid=select-page]"));
        cut.Find("input[data-testid=contact-search]").Input("");
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        Assert.Single(cut.FindAll("input[data-testid=select-page]"));
    }

    [Fact]
    public async Task A_contact_with_an_email_address_alone_is_added_and_edited_to_stop_its_sms_only()
    {
        var book = await BookAsync(("0712345678", "Wanjiku", "Kamau"));
        var dialogs = RenderDialogProvider();
        var cut = RenderBook(book);
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));

        // Added with an e-mail address and no number; a bad address is named beside its field.
        Button(cut, "Add contact").Click();
        dialogs.WaitForElement("input[data-field=email]").Change("otieno at duka");
        dialogs.Find("input[data-field=firstName]").Change("Otieno");
        dialogs.Find("form#contact-form").Submit();
        dialogs.WaitForAssertion(() => Assert.Contains("is not an e-mail address", dialogs.Markup));
        dialogs.Find("input[data-field=email]").Change("Otieno@Duka.co.ke");
        dialogs.Find("form#contact-form").Submit();
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        Assert.Contains("otieno@duka.co.ke", cut.Find("[data-testid=contact-address]").TextContent);

        // Wanjiku gets an e-mail address too, and stops receiving SMS alone.
        cut.Find("button[aria-label='Edit +254 712 345 678']").Click();
        dialogs.WaitForElement("input[data-field=email]").Change("wanjiku@example.co.ke");
        dialogs.Find("form#contact-form").Submit();
        cut.WaitForAssertion(() => Assert.Contains("wanjiku@example.co.ke", cut.Markup));
        cut.Find("button[aria-label='Edit +254 712 345 678']").Click();
        dialogs.WaitForElement("input[data-testid=receives-sms]").Change(false);
        dialogs.Find("form#contact-form").Submit();
        cut.WaitForAssertion(() => Assert.Equal("No SMS", cut.Find("[data-testid=contact-opted-out-of]").TextContent.Trim()));
        var resolver = App.Service<RecipientResolver>();
        Assert.Equal((0, 2), (await resolver.CountAsync(OrganisationId, [book], Core.Channels.Channel.Sms), await resolver.CountAsync(OrganisationId, [book], Core.Channels.Channel.Email)));
    }

    [Fact]
    public async Task Select_all_takes_the_page_then_every_matching_contact_for_a_bulk_opt_out()
    {
        var book = await BookAsync(Enumerable.Range(0, 60).Select(i => ($"0712{i:000000}", $"Person{i}", "Kamau")).ToArray());
        var cut = RenderBook(book);
        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));

        cut.Find("input[data-testid=select-page]").Change(true);
        cut.WaitForAssertion(() => Assert.Contains("50 selected", cut.Find("[data-testid=selection-bar]").TextContent));
        Button(cut, "Select all 60 matching").Click();
        cut.WaitForAssertion(() => Assert.Contains("All 60 matching contacts selected", cut.Find("[data-testid=selection-bar]").TextContent));
        Button(cut, "Opt out").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=selection-bar]")));
        var summary = await App.Service<AddressBookService>().GetAsync(OrganisationId, book);
        Assert.Equal((60, 0), (summary.TotalContacts, summary.ActiveContacts));
    }

    [Fact]
    public async Task Removing_a_contact_asks_first_naming_it()
    {
        var book = await BookAsync(("0712345678", "Wanjiku", "Kamau"), ("0733111222", "Otieno", "Odhiambo"));
        var dialogs = RenderDialogProvider();
        var cut = RenderBook(book);

        cut.WaitForElement("button[aria-label='Remove +254 712 345 678']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Remove +254 712 345 678 (Wanjiku Kamau) from Customers?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("from Customers?", dialogs.Markup));
        Assert.Equal(2, (await App.Service<AddressBookService>().GetAsync(OrganisationId, book)).TotalContacts);

        cut.Find("button[aria-label='Remove +254 712 345 678']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("from Customers?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click();
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));
        Assert.Equal(1, (await App.Service<AddressBookService>().GetAsync(OrganisationId, book)).TotalContacts);

        cut.Find("button[aria-label='Opt out +254 733 111 222']").Click();
        cut.WaitForAssertion(() => Assert.Contains("Opted out", Rows(cut)[0].TextContent));
        cut.Find("input[aria-label='Select +254 733 111 222']").Change(true);
        Button(cut, "Remove").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Remove +254 733 111 222 (Otieno Odhiambo) from Customers?", dialogs.Markup));
    }
}
