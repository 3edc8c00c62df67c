using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TalkNTalk.Dashboard.Shared;

namespace TalkNTalk.Dashboard.Tests.Components;

/// <summary>Component markup rendered with the framework's own HtmlRenderer (bUnit does not restore here).</summary>
public sealed class EmptyStateMarkupTests
{
    [Fact]
    public async Task Empty_state_says_what_will_appear_as_a_status_region()
    {
        await using var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());

        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<EmptyState>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(EmptyState.Icon)] = "contacts",
                [nameof(EmptyState.Title)] = "No address books yet",
                [nameof(EmptyState.Text)] = "Import contacts from a CSV file.",
            }));
            return output.ToHtmlString();
        });

        Assert.Contains("role=\"status\"", html);
        Assert.Contains("<h2>No address books yet</h2>", html);
        Assert.Contains("Import contacts from a CSV file.", html);
    }
}
