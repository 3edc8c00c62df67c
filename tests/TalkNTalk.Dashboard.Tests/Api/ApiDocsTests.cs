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

        cut.WaitForElements("[data-testid=api-example]");
        Assert.Contains(customers.Id.ToString(), cut.Find("[data-path='/v1/sms/send-group/'] [data-testid=api-example]").TextContent);
        Assert.Contains(customers.Id.ToString(), cut.Find("[data-path='/v1/address-books/contacts/'] [data-testid=api-example]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=api-example-warning]"));
    }

    [Fact]
    public async Task With_no_book_that_has_contacts_the_example_says_so()
    {
        await App.Service<AddressBookService>().CreateAsync(OrganisationId, "Empty", null);

        var cut = Render<ApiDocs>();

        Assert.Contains("None of your address books has contacts yet", cut.WaitForElement("[data-testid=api-example-warning]").TextContent);
    }

    [Fact]
    public void The_page_shows_every_v1_endpoint_the_app_maps_with_a_copy_button_per_example()
    {
        var cut = Render<ApiDocs>();

        var endpoints = cut.WaitForElements("[data-testid=api-endpoint]");
        var shown = endpoints.Select(e => ApiRoutes.Key(e.GetAttribute("data-method")!, e.GetAttribute("data-path")!)).ToHashSet();
        var missing = ApiRoutes.Of(App).Select(r => ApiRoutes.Key(r.Method, r.Path)).Where(route => !shown.Contains(route)).ToList();
        Assert.True(missing.Count == 0, "Mapped but not on the REST API page: " + string.Join(", ", missing));
        Assert.All(endpoints, e => Assert.Single(e.QuerySelectorAll("[data-testid=api-example-copy]")));
        Assert.Equal(endpoints.Count, cut.FindAll("[data-testid=api-example]").Count);
    }
}
