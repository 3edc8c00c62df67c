using Bunit;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Dashboard.Api;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Api;

public sealed class ApiDocsTests : ComponentTest
{
    [Fact]
    public async Task The_send_group_example_uses_a_book_with_contacts_not_an_empty_one()
    {
        var books = App.Service<AddressBookService>();
        await books.CreateAsync(OrganisationId, "Empty", null);
        var customers = await books.CreateAsync(OrganisationId, "Customers", null);
        await App.Service<ContactService>().AddAsync(OrganisationId, customers.Id, new ContactInput("0712345678", "Amina", "Otieno"));

        var cut = Render<ApiDocs>();

        var sendGroup = cut.WaitForElements("[data-testid=api-example]")[1].TextContent;
        Assert.Contains(customers.Id.ToString(), sendGroup);
        Assert.Empty(cut.FindAll("[data-testid=api-example-warning]"));
    }

    [Fact]
    public async Task With_no_book_that_has_contacts_the_example_says_so()
    {
        await App.Service<AddressBookService>().CreateAsync(OrganisationId, "Empty", null);

        var cut = Render<ApiDocs>();

        Assert.Contains("None of your address books has contacts yet", cut.WaitForElement("[data-testid=api-example-warning]").TextContent);
    }
}
