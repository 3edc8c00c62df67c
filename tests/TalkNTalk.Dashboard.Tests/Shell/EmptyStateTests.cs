using Bunit;
using TalkNTalk.Dashboard.Shared;
using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.Shell;

public sealed class EmptyStateTests : ComponentTest
{
    [Fact]
    public void Empty_state_says_what_will_appear_as_a_status_region()
    {
        var cut = Render<EmptyState>(p => p
            .Add(e => e.Icon, MudBlazor.Icons.Material.Outlined.Contacts)
            .Add(e => e.Title, "No address books yet")
            .Add(e => e.Text, "Import contacts from a CSV file."));

        var panel = cut.Find("[role=status]");
        Assert.Equal("No address books yet", panel.QuerySelector("h2")!.TextContent.Trim());
        Assert.Contains("Import contacts from a CSV file.", panel.TextContent);
    }
}
