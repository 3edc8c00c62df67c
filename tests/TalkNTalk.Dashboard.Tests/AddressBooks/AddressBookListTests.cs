using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Common;
using TalkNTalk.Dashboard.AddressBooks;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.AddressBooks;

public sealed class AddressBookListTests : ComponentTest
{
    [Fact]
    public void With_no_books_the_page_says_how_to_start()
    {
        var cut = Render<AddressBookList>();

        cut.WaitForAssertion(() => Assert.Contains("No address books yet", cut.Find("[role=status]").TextContent));
        Assert.Contains("Create your first address book", cut.Find("[role=status] button").TextContent);
    }

    [Fact]
    public async Task Creating_a_book_without_a_name_shows_the_message_next_to_the_field()
    {
        var expected = (await Assert.ThrowsAsync<DomainException>(() => App.Service<AddressBookService>().CreateAsync(OrganisationId, "", null))).Message;
        var dialogs = RenderDialogProvider();
        var cut = Render<AddressBookList>();

        cut.WaitForElement("[role=status] button").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("form#book-form"));
        dialogs.Find("form#book-form").Submit();

        dialogs.WaitForAssertion(() => Assert.Contains(expected, dialogs.Find(".mud-input-helper-text.mud-input-error").TextContent));
        Assert.Empty((await App.Service<AddressBookService>().ListAllAsync(OrganisationId)));
    }

    [Fact]
    public async Task Creating_a_book_opens_it()
    {
        var dialogs = RenderDialogProvider();
        var cut = Render<AddressBookList>();

        cut.WaitForElement("[role=status] button").Click();
        dialogs.WaitForElement("form#book-form input").Change("Customers");
        dialogs.Find("form#book-form").Submit();

        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Matches("address-books/[0-9a-f-]{36}$", navigation.Uri));
        var book = Assert.Single(await App.Service<AddressBookService>().ListAllAsync(OrganisationId));
        Assert.Equal(("Customers", $"address-books/{book.Id}"), (book.Name, navigation.ToBaseRelativePath(navigation.Uri)));
    }

    [Fact]
    public async Task Deleting_a_book_asks_first_naming_the_book_and_its_contacts()
    {
        var book = await App.Service<AddressBookService>().CreateAsync(OrganisationId, "Staff", null);
        await App.Service<ContactService>().AddAsync(OrganisationId, book.Id, new ContactInput("0712345678", "Wanjiku", "Kamau"));
        var dialogs = RenderDialogProvider();
        var cut = Render<AddressBookList>();

        cut.WaitForElement("button[aria-label='Delete Staff']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete “Staff” and the 1 contact in it?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Delete “Staff”", dialogs.Markup));
        Assert.Single(await App.Service<AddressBookService>().ListAllAsync(OrganisationId));

        cut.Find("button[aria-label='Delete Staff']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete Staff", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete Staff").Click();
        cut.WaitForAssertion(() => Assert.Contains("No address books yet", cut.Markup));
        Assert.Empty(await App.Service<AddressBookService>().ListAllAsync(OrganisationId));
    }
}
