using TalkNTalk.Dashboard.Tests.Components;

namespace TalkNTalk.Dashboard.Tests.AddressBooks;

/// <summary>
/// <see cref="ComponentTest"/> for pages that open dialogs: xUnit disposes the test class synchronously, and
/// MudBlazor's dialog services can only be disposed asynchronously, so the sync dispose goes the async way.
/// </summary>
public abstract class AddressBookTest : ComponentTest
{
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        else
            base.Dispose(disposing);
    }
}
