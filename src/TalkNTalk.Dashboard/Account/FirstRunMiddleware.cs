using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Dashboard.Account;

/// <summary>Until the first admin exists every page leads to <c>/setup</c>; afterwards <c>/setup</c> is a 404.</summary>
public sealed class FirstRunMiddleware(RequestDelegate next, OrganisationSetup setup)
{
    public const string SetupPath = "/setup";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var isSetup = path.Equals(SetupPath, StringComparison.OrdinalIgnoreCase);
        // Only pages ask the database (so /healthz still answers when it is down).
        if (!isSetup && !IsPage(path))
        {
            await next(context);
            return;
        }
        var complete = await setup.IsCompleteAsync(context.RequestAborted);
        if (isSetup && complete)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!complete && !isSetup)
        {
            context.Response.Redirect(SetupPath);
            return;
        }
        await next(context);
    }

    // Framework, asset and health requests pass; anything a person would browse to is a page.
    private static bool IsPage(PathString path) =>
        !path.StartsWithSegments("/_framework") && !path.StartsWithSegments("/_content") && !path.StartsWithSegments("/_blazor")
        && !path.StartsWithSegments("/healthz") && !path.StartsWithSegments("/not-found") && !path.StartsWithSegments("/v1")
        && !path.StartsWithSegments("/hubs") && !Path.HasExtension(path.Value);
}
