using TalkNTalk.Core.Campaigns;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Dashboard.Compose;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Compose;

public sealed class ComposePageTests : ComponentTest
{
    private IElement MessageBox(IRenderedComponent<ComposePage> page) => page.Find("textarea[data-testid=compose-message]");

    private IElement SendButton(IRenderedComponent<ComposePage> page) =>
        page.FindAll("button[type=submit]").Single();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private Task<IRenderedComponent<ComposePage>> OpenAsync(string url = "compose")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var page = Render<ComposePage>();
        page.WaitForState(() => page.FindAll("textarea[data-testid=compose-message]").Count == 1, Patience);
        return Task.FromResult(page);
    }

    private static Task PasteNumbersAsync(IRenderedComponent<ComposePage> page, string numbers)
    {
        page.FindAll("textarea").First(t => t.GetAttribute("data-testid") != "compose-message").Change(numbers);
        page.WaitForAssertion(() => Assert.Contains("1 unique recipient ", page.Find("[data-testid=recipient-count]").TextContent), Patience);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_counter_follows_the_message_as_it_is_typed()
    {
        var page = await OpenAsync();

        MessageBox(page).Input("Habari");
        page.WaitForAssertion(() => Assert.Equal("6 characters", page.Find("[data-testid=characters]").TextContent), Patience);
        Assert.Equal("GSM-7", page.Find("[data-testid=encoding]").TextContent);
        Assert.StartsWith("1 part", page.Find("[data-testid=segments]").TextContent);

        MessageBox(page).Input(new string('a', 200) + " 😊");
        page.WaitForAssertion(() => Assert.Equal("202 characters", page.Find("[data-testid=characters]").TextContent), Patience);
        Assert.Equal("Unicode (UCS-2)", page.Find("[data-testid=encoding]").TextContent);
        Assert.StartsWith("4 parts", page.Find("[data-testid=segments]").TextContent);
    }

    [Fact]
    public async Task A_message_over_ten_parts_is_kept_whole_and_Send_is_off_with_what_to_fix()
    {
        var page = await OpenAsync();
        await PasteNumbersAsync(page, "0712 345 678");
        var pasted = new string('x', 10_000);

        MessageBox(page).Input(pasted);

        // Nothing cuts the text: every character pasted is counted.
        page.WaitForAssertion(() => Assert.Equal("10,000 characters", page.Find("[data-testid=characters]").TextContent), Patience);
        Assert.StartsWith("66 parts", page.Find("[data-testid=segments]").TextContent);
        Assert.Contains("the limit is 10. Shorten it by 8,470 characters", page.Find("[data-testid=too-long]").TextContent);
        Assert.True(SendButton(page).HasAttribute("disabled"));
        Assert.Contains("Send is off until the message fits in 10 parts", page.Find("[data-testid=send-blocked]").TextContent);

        MessageBox(page).Input("Short again");
        page.WaitForAssertion(() => Assert.Equal("11 characters", page.Find("[data-testid=characters]").TextContent), Patience);
        Assert.False(SendButton(page).HasAttribute("disabled"));
        Assert.Empty(page.FindAll("[data-testid=too-long]"));
    }

    [Fact]
    public async Task The_confirm_names_the_cost_and_the_promotional_window_the_send_waits_for()
    {
        var senders = App.Service<SenderIdService>();
        var promo = await senders.RegisterAsync(OrganisationId, "ACMEPROMO", SenderIdCategory.Promotional);
        await senders.ApproveAsync(OrganisationId, promo.Id, "test");
        await senders.SetDefaultAsync(OrganisationId, promo.Id);
        var dialogs = RenderDialogProvider();
        var page = await OpenAsync();
        await PasteNumbersAsync(page, "0712 345 678");
        MessageBox(page).Input(new string('a', 150));
        // 150 characters and the opt-out line make two parts for this one recipient.
        page.Find("input[type=checkbox]").Change(true);
        var day = DateTime.UtcNow.AddDays(2).Date;
        page.WaitForElement("input[type=datetime-local]").Change(day.AddHours(3).ToString("yyyy-MM-ddTHH:mm"));

        page.Find("form").Submit();

        dialogs.WaitForState(() => dialogs.Markup.Contains("Send to 1 recipient"), Patience);
        var text = dialogs.Markup;
        Assert.Contains($"at {day:d MMM yyyy}, 08:00 (promotional messages go out only between 08:00–18:00)", text);
        Assert.Contains("It reserves KES 2.00 (2 parts each)", text);
    }

    [Fact]
    public async Task Duplicate_opens_compose_with_the_earlier_campaigns_name_message_and_sender()
    {
        var sent = await App.Service<CampaignService>().SendBulkAsync(new SendRequest
        {
            OrganisationId = OrganisationId, Name = "November statements", Message = "Your November statement is ready.", Numbers = ["0712345678"],
        });

        var page = await OpenAsync($"compose?from={sent.CampaignId}");

        page.WaitForAssertion(() => Assert.Equal("Your November statement is ready.", MessageBox(page).GetAttribute("value") ?? MessageBox(page).TextContent), Patience);
        Assert.Equal("Copy of November statements", page.Find("input[data-testid=compose-name]").GetAttribute("value"));
    }

    [Fact]
    public async Task The_campaign_gets_the_name_typed_in_compose()
    {
        var dialogs = RenderDialogProvider();
        var page = await OpenAsync();
        page.Find("input[data-testid=compose-name]").Change("December statements");
        await PasteNumbersAsync(page, "0712 345 678");
        MessageBox(page).Input("Your statement is ready.");

        page.Find("form").Submit();
        dialogs.WaitForState(() => dialogs.FindAll("button").Any(b => b.TextContent.Trim() == "Send"), Patience);
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Send").Click();

        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        page.WaitForAssertion(() => Assert.Equal("December statements", db.Campaigns.AsNoTracking().Single(c => c.OrganisationId == OrganisationId).Name), Patience);
    }

    [Fact]
    public async Task Custom_fields_of_the_chosen_books_are_offered_as_merge_tags()
    {
        var book = await App.Service<AddressBookService>().CreateAsync(OrganisationId, "Customers", null);
        await App.Service<ContactService>().AddAsync(OrganisationId, book.Id,
            new ContactInput("0712 345 678", "Amina", null, new Dictionary<string, string> { ["account_no"] = "A-1001" }));

        var page = await OpenAsync($"compose?book={book.Id}");

        page.WaitForAssertion(() => Assert.Equal(["{first_name}", "{last_name}", "{account_no}"],
            page.FindAll("[data-testid=merge-tag]").Select(b => b.TextContent.Trim())), Patience);
        page.FindAll("[data-testid=merge-tag]").Last().Click();
        page.WaitForAssertion(() => Assert.Contains("A-1001", page.Find("[data-testid=preview-body]").TextContent), Patience);
    }

    [Fact]
    public async Task A_test_goes_to_my_number_as_a_one_recipient_campaign_after_a_confirm_of_its_cost()
    {
        var dialogs = RenderDialogProvider();
        var page = await OpenAsync();
        MessageBox(page).Input("Your statement is ready.");
        page.Find("input[data-testid=test-number]").Change("0712 345 678");

        page.Find("[data-testid=test-send-button]").Click();
        dialogs.WaitForState(() => dialogs.Markup.Contains("Send this message to 0712 345 678"), Patience);
        Assert.Contains("It costs KES 1.00 (1 part)", dialogs.Markup);
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Send test").Click();

        await using var db = await App.Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        page.WaitForAssertion(() =>
        {
            var campaign = db.Campaigns.AsNoTracking().Single(c => c.OrganisationId == OrganisationId);
            Assert.Equal(1, campaign.RecipientsCount);
            Assert.StartsWith("Test: ", campaign.Name);
        }, Patience);
    }
}
