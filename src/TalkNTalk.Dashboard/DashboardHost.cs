using Microsoft.AspNetCore.Identity;
using MudBlazor;
using MudBlazor.Services;
using TalkNTalk.Core;
using TalkNTalk.Dashboard.AddressBooks;
using TalkNTalk.Dashboard.Messages;
using TalkNTalk.Dashboard.Api.V1;
using TalkNTalk.Dashboard.Campaigns;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Users;
using TalkNTalk.Dashboard.Account;
using TalkNTalk.Dashboard.Security;
using TalkNTalk.Dashboard.Shell;
using TalkNTalk.Dashboard.Gateway;
using TalkNTalk.Dashboard.Wallets;

using TalkNTalk.Dashboard.Health;

namespace TalkNTalk.Dashboard;

/// <summary>Builds the web host: services in one place, the request pipeline in another.</summary>
public static class DashboardHost
{
    private const string ReloadStaticAssetsKey = "ReloadStaticAssetsAtRuntime";

    // Microsoft.Data.Sqlite runs every command synchronously, its async methods too, so each database call holds a
    // thread-pool thread while it runs. The pool starts with one thread a core and adds more slowly once starved: on a
    // two-core machine the gateway's answers and the delivery-report callbacks waited behind the dispatcher's commits
    // (the kannel benchmark's rate through Kannel rose by a fifth to a third with this floor). A higher minimum set
    // for the runtime is kept.
    private const int MinWorkerThreads = 64;

    public static WebApplication Build(string[] args)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, MinWorkerThreads), completionPorts);
        var builder = WebApplication.CreateBuilder(args);
        // Package assets (MudBlazor, blazor.web.js) are found through the build output's manifest in every environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        // Run from the build output (as `dotnet run` does), MapStaticAssets otherwise serves assets as in development
        // everywhere: `no-cache`, no integrity, and a fallback route whose constraint looks for a file on disk on every
        // GET and HEAD, whatever else it matches (every Kannel callback among them). Only Development reloads them,
        // unless the setting says otherwise (as true or false; anything else the framework ignores).
        if (!builder.Environment.IsDevelopment() && !bool.TryParse(builder.Configuration[ReloadStaticAssetsKey], out _))
            builder.Configuration[ReloadStaticAssetsKey] = "false";
        builder.Services.AddTalkNTalkDashboard(builder.Configuration, builder.Environment);
        var app = builder.Build();
        app.UseTalkNTalkDashboard();
        return app;
    }

    public static IServiceCollection AddTalkNTalkDashboard(this IServiceCollection services, IConfiguration configuration, IWebHostEnvironment environment)
    {
        services.AddTalkNTalkCore(configuration, ResolveDatabase(configuration, environment));

        // Kestrel names itself in a Server header unless told not to; nobody needs to know.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        var proxy = configuration.GetSection(ProxySettings.Section).Get<ProxySettings>() ?? new ProxySettings();
        services.AddSingleton(proxy);
        services.Configure<ForwardedHeadersOptions>(proxy.Apply);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(mud =>
        {
            // Bottom left, clear of the Actions column every grid keeps at its right.
            mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomLeft;
            mud.SnackbarConfiguration.VisibleStateDuration = 6000;
            mud.SnackbarConfiguration.PreventDuplicates = false;
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthStateProvider>();
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthentication().AddIdentityCookies();
        new IdentityBuilder(typeof(AppUser), services)
            .AddSignInManager<TalkNTalkSignInManager>()
            .AddClaimsPrincipalFactory<TalkNTalkClaimsFactory>();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/account/login";
            cookie.LogoutPath = "/account/logout";
            cookie.AccessDeniedPath = "/account/access-denied";
            cookie.Cookie.Name = "TalkNTalk.Auth";
            cookie.ExpireTimeSpan = UserSessions.IdleLifetime;
            cookie.SlidingExpiration = true;
            // Secure whenever the request came over HTTPS (directly, or through a trusted TLS-terminating proxy).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Each cookie must belong to a live server-side session (sign-out, ending a session, disabling, a new
            // password end it); then Identity's security-stamp check.
            cookie.Events.OnValidatePrincipal = SessionValidation.ValidatePrincipalAsync;
        });
        // The security stamp (and with it role changes) is re-read from the database within this interval.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            o.OnRefreshingPrincipal = SessionValidation.KeepSessionAsync;
        });
        services.Configure<SignInRateLimitOptions>(configuration.GetSection("SignIn"));
        services.AddSingleton<SignInRateLimit>();
        services.AddAuthorization(ApiEndpoints.AddApiPolicies);
        services.Configure<ApiOptions>(configuration.GetSection("Api"));
        services.AddRateLimiter(ApiRateLimits.Configure);
        services.AddSingleton<MessageReadGate>();
        services.AddSingleton<ApiRouteTable>();
        services.AddOpenApi("v1", options => options.ShouldInclude = description => description.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true);
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddTalkNTalkHealthChecks();
        services.AddHostedService<StartupTasks>();
        services.AddSingleton<ImportReportStore>();
        services.AddSingleton<ExportProgressStore>();
        services.AddSignalR();
        services.AddSingleton<CampaignHubRelay>();
        return services;
    }

    public static WebApplication UseTalkNTalkDashboard(this WebApplication app)
    {
        app.UseListeningAddressForCallbacks();
        // First, so everything after sees the real scheme and client address.
        if (app.Services.GetRequiredService<ProxySettings>().Enabled)
            app.UseForwardedHeaders();
        // Nothing but /healthz is served before the database is ready.
        app.UseMiddleware<StartupGate>();
        // Routing next: the gateways' callbacks short-circuit here, with the client's real address but none of the rest.
        app.UseRouting();
        app.UseMiddleware<SecurityHeaders>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // API clients get the documented JSON error shape for every error, never an HTML page or an empty body: what
        // fails unexpectedly, and what the framework answers by itself (no such path, wrong method, unreadable request).
        // Inside the pages' handler, so it writes first and the pages' re-execution leaves the answer alone.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/v1"), api => api
            .UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ApiError.WriteExceptionAsync })
            .UseStatusCodePages(ApiError.WriteStatusCodePageAsync));
        app.UseWhen(http => !http.Request.Path.StartsWithSegments("/v1"), pages => pages.Use((http, next) =>
        {
            ThemeCookie.AskForColourScheme(http);
            return next(http);
        }));
        app.UseMiddleware<FirstRunMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<PasswordChangeGate>();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapTalkNTalkHealth();
        app.MapAccountEndpoints();
        app.MapAddressBookDownloads();
        app.MapWalletDownloads();
        app.MapMessageExport();
        app.MapHub<CampaignsHub>("/hubs/campaigns");
        app.MapApiV1();
        app.MapGatewayCallbacks();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>Section <c>Database</c>, with a relative SQLite path made absolute against the content root.</summary>
    private static DatabaseOptions ResolveDatabase(IConfiguration configuration, IWebHostEnvironment environment)
    {
        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (!Path.IsPathRooted(database.Path))
            database.Path = Path.GetFullPath(Path.Combine(environment.ContentRootPath, database.Path));
        return database;
    }
}
