using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Bunit.TestDoubles;
using TalkNTalk.Core.Users;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Tests.Infrastructure;

namespace TalkNTalk.Dashboard.Tests.Components;

/// <summary>
/// Base of the bUnit tests: a component rendered as the signed-in user of a real app. The app (<see cref="TestApp"/>:
/// its real services, a real SQLite file, the dispatcher running) stands behind bUnit's own services, so a page
/// reads and writes the same database its services use in production; MudBlazor's services and the signed-in user
/// are bUnit's. JavaScript interop is loose: MudBlazor's calls answer defaults.
/// </summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    protected TestApp App { get; } = new();
    protected Guid OrganisationId { get; private set; }
    protected BunitAuthorizationContext Auth { get; }

    protected ComponentTest()
    {
        // Two cores run the app's dispatcher, the database and the renderer at once: give waits room before failing.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddFallbackServiceProvider(App.Services);
        Auth = AddAuthorization();
    }

    public virtual async Task InitializeAsync()
    {
        OrganisationId = await App.OrganisationIdAsync();
        SignInAs(TestApp.AdminEmail, "Wanjiku Admin", MemberRole.Admin);
    }

    /// <summary>Renders as this user of the bootstrapped organisation, with the claims the sign-in cookie carries.</summary>
    protected void SignInAs(string email, string name, MemberRole role, Guid? organisation = null)
    {
        Auth.SetAuthorized(email);
        Auth.SetRoles(role.ToString());
        Auth.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, email),
            new Claim(TalkNTalkClaims.DisplayName, name),
            new Claim(TalkNTalkClaims.OrganisationId, (organisation ?? OrganisationId).ToString()),
            new Claim(TalkNTalkClaims.OrganisationName, "Acme Kenya"),
            new Claim(TalkNTalkClaims.TimeZone, "Africa/Nairobi"));
    }

    /// <summary>Renders a component inside MudBlazor's providers, as the layouts do, so dialogs and popovers open.</summary>
    protected IRenderedComponent<MudBlazor.MudDialogProvider> RenderDialogProvider() => Render<MudBlazor.MudDialogProvider>();

    // Dispose asynchronously before xUnit's synchronous Dispose, which MudBlazor's async-only services refuse.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        App.Dispose();
    }
}
