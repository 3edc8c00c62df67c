using Microsoft.AspNetCore.Identity;
using TalkNTalk.Core.Users;

namespace TalkNTalk.Dashboard.Account;

public static class AccountEndpoints
{
    /// <summary>Sign-out is a POST with an antiforgery token (the form in the user menu), never a link a page could trigger.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/logout", async (SignInManager<AppUser> signInManager, HttpContext context) =>
        {
            await signInManager.SignOutAsync();
            return Results.LocalRedirect("/account/login?signedOut=true");
        }).RequireAuthorization().WithMetadata(new AllowedBeforePasswordChangeAttribute()).DisableAntiforgery().AddEndpointFilter(async (ctx, next) =>
        {
            // Validate explicitly: minimal APIs only check antiforgery for bound form parameters.
            var antiforgery = ctx.HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(ctx.HttpContext))
                return Results.BadRequest("The sign-out form expired: reload the page and try again.");
            return await next(ctx);
        });
        return endpoints;
    }
}
