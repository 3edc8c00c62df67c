using Microsoft.AspNetCore.Authorization;

namespace TalkNTalk.Dashboard.Account;

/// <summary>Marks the endpoints a user with a temporary password may still use: changing it, and signing out.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AllowedBeforePasswordChangeAttribute : Attribute;

/// <summary>
/// A user signed in with a temporary password (<see cref="TalkNTalkClaims.MustChangePassword"/>) gets nothing but the
/// change-password page and sign-out until they choose their own: every endpoint that needs a signed-in user (pages,
/// CSV downloads, the SignalR hub) and the Blazor circuit are closed to them. Pages lead to the change-password form;
/// anything else answers 403.
/// </summary>
public sealed class PasswordChangeGate(RequestDelegate next)
{
    public const string ChangePasswordPath = "/account/change-password";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.User.MustChangePasswordOf() || !IsClosed(context))
            return next(context);
        var request = context.Request;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect(ChangePasswordPath + "?first=true");
            return Task.CompletedTask;
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync("Choose your own password first: " + ChangePasswordPath);
    }

    // The circuit carries the whole dashboard; other endpoints are closed when they need a signed-in user. The /v1 API
    // signs in with API keys, never with this cookie, so the gate leaves it alone.
    private static bool IsClosed(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/_blazor"))
            return true;
        if (path.StartsWithSegments("/v1"))
            return false;
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata is null || metadata.GetMetadata<AllowedBeforePasswordChangeAttribute>() is not null || metadata.GetMetadata<IAllowAnonymous>() is not null)
            return false;
        return metadata.GetMetadata<IAuthorizeData>() is not null;
    }
}
