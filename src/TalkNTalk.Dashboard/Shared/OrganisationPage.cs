using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Dashboard.Account;

namespace TalkNTalk.Dashboard.Shared;

/// <summary>Base for pages that work inside the signed-in user's organisation: who they are and how to show times.</summary>
public abstract class OrganisationPage : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    protected ClaimsPrincipal User { get; private set; } = new();
    protected Guid OrganisationId { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        User = (await AuthState).User;
        OrganisationId = User.OrganisationIdOf();
        await OnOrganisationReadyAsync();
    }

    /// <summary>Runs once the user and organisation are known; load the page's data here.</summary>
    protected virtual Task OnOrganisationReadyAsync() => Task.CompletedTask;

    /// <summary>A stored UTC time as the organisation reads it, e.g. "25 Nov 2026, 14:05".</summary>
    protected string Local(DateTime utc) => Format(utc, "d MMM yyyy, HH:mm");

    protected string? Local(DateTime? utc) => utc is { } value ? Local(value) : null;

    /// <summary>A time of today as the organisation reads it, e.g. "10:42": for a wait that lasts minutes.</summary>
    protected string LocalClock(DateTime utc) => Format(utc, "HH:mm");

    /// <summary>The same to the second, for logs where a retry due in 40 seconds must not look overdue: "25 Nov 2026, 14:05:09".</summary>
    protected string LocalToSecond(DateTime? utc) => Format(utc ?? default, "d MMM yyyy, HH:mm:ss");

    private string Format(DateTime utc, string pattern) => utc == default ? "—" : OrganisationTime.ToLocal(utc, User.TimeZoneOf()).ToString(pattern);
}
