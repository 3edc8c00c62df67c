using TalkNTalk.Dashboard.Tests.Components;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Dashboard.AddressBooks;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.AddressBooks;

public sealed class ImportTests : ComponentTest
{
    private async Task<IRenderedComponent<ImportContacts>> RenderImportAsync()
    {
        var book = await App.Service<AddressBookService>().CreateAsync(OrganisationId, "Customers", null);
        var cut = Render<ImportContacts>(p => p.Add(i => i.BookId, book.Id));
        cut.WaitForElement("input[data-testid=csv-file]");
        return cut;
    }

    [Fact]
    public async Task The_import_page_of_an_unknown_or_another_organisations_book_says_not_found()
    {
        var other = await App.AddOrganisationAsync("Baraka Sacco", "BARAKA", 0);
        var theirs = await App.Service<AddressBookService>().CreateAsync(other, "Members", null);

        foreach (var id in new[] { Guid.NewGuid(), theirs.Id })
        {
            var cut = Render<ImportContacts>(p => p.Add(i => i.BookId, id));

            cut.WaitForAssertion(() => Assert.Contains("Address book not found", cut.Markup));
            Assert.Empty(cut.FindAll("input[data-testid=csv-file]"));
        }

        // Server-rendered as a browser first gets it: the page, not an error page.
        var browser = App.Browser();
        await TestApp.SignInAsync(browser, TestApp.AdminEmail, TestApp.AdminPassword);
        var response = await browser.GetAsync($"/address-books/{theirs.Id}/import");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Address book not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Common_headers_are_mapped_and_a_full_name_is_split_on_import()
    {
        var cut = await RenderImportAsync();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(
            "Full Name,Phone Number,Branch\nWanjiku Kamau,0712 345 678,Westlands\nMary Akinyi Otieno,0733111222,Kisumu\n", "customers.csv"));

        cut.WaitForAssertion(() => Assert.Contains("Wanjiku Kamau", cut.Find("[data-testid=preview]").TextContent));
        Assert.Equal("FullName", cut.Find("select[aria-label='Column Full Name']").GetAttribute("value"));
        Assert.Equal("Mobile", cut.Find("select[aria-label='Column Phone Number']").GetAttribute("value"));
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Import").Click();

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=report-imported]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        var book = Assert.Single(await App.Service<AddressBookService>().ListAllAsync(OrganisationId));
        var contacts = (await App.Service<ContactService>().QueryAsync(OrganisationId, book.Id, new ContactQuery(Sort: ContactSort.Mobile))).Items;
        Assert.Equal([("Wanjiku", "Kamau"), ("Mary", "Akinyi Otieno")], contacts.Select(c => (c.FirstName, c.LastName)));
    }

    [Fact]
    public async Task An_empty_file_is_refused_next_to_the_file_field()
    {
        var cut = await RenderImportAsync();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary([], "empty.csv"));

        cut.WaitForAssertion(() => Assert.Contains("empty", cut.Find("[data-field=file]").TextContent));
    }
}
