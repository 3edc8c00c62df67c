using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;

namespace TalkNTalk.Dashboard.Tests.Infrastructure;

/// <summary>The whole web app in the ASP.NET test host, on its own SQLite file in a temporary folder.</summary>
public sealed partial class TestApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@acme.co.ke";
    public const string AdminPassword = "correct-horse-7";

    /// <summary>A request header the test host turns into the connection's remote address (a client on another machine).</summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    private readonly string _folder = Directory.CreateTempSubdirectory("talkntalk-api-").FullName;
    private readonly bool _bootstrap;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="bootstrap">True: start with an organisation and admin from the Bootstrap settings; false: a first run.</param>
    /// <param name="settings">Further configuration, as an operator would set it.</param>
    /// <param name="services">Replaces some of the app's services (e.g. its <see cref="TimeProvider"/>), after the app registered its own.</param>
    public TestApp(bool bootstrap = true, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        _bootstrap = bootstrap;
        _settings = settings ?? new Dictionary<string, string>();
        _services = services;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Path", Path.Combine(_folder, "talkntalk.db"));
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, ClientAddressFromHeader>());
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TalkNTalk.Core.SenderIds.IOriginVerificationSender>();
            services.AddSingleton<TalkNTalk.Core.SenderIds.IOriginVerificationSender>(Verifications);
        });
        if (_services is not null)
            builder.ConfigureTestServices(_services);
        if (_bootstrap)
        {
            builder.UseSetting("Bootstrap:OrganisationName", "Acme Kenya");
            builder.UseSetting("Bootstrap:DefaultSenderId", "ACMEKE");
            builder.UseSetting("Bootstrap:AdminName", "Wanjiku Admin");
            builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
            builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
            builder.UseSetting("Bootstrap:OpeningCredit", "500");
        }
    }

    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A browser whose cookie jar the test can read, e.g. to keep a copy of the sign-in cookie.</summary>
    public HttpClient Browser(CookieContainer cookies) => CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies));

    /// <summary>The e-mail sender verification links the app was asked to send (instead of logging them).</summary>
    public RecordedVerifications Verifications { get; } = new();

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The id of an organisation by name (the bootstrapped one by default).</summary>
    public async Task<Guid> OrganisationIdAsync(string name = "Acme Kenya")
    {
        await using var db = await Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        return await db.Organisations.Where(o => o.Name == name).Select(o => o.Id).SingleAsync();
    }

    /// <summary>A message as it is stored now.</summary>
    public async Task<TalkNTalk.Core.Messages.OutboundMessage> MessageAsync(Guid id)
    {
        await using var db = await Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        return await db.Messages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    /// <summary>How many delivery reports are kept and not applied yet.</summary>
    public async Task<int> InboxCountAsync()
    {
        await using var db = await Service<IDbContextFactory<TalkNTalkDbContext>>().CreateDbContextAsync();
        return await db.DeliveryInbox.CountAsync();
    }

    /// <summary>Waits until <paramref name="condition"/> holds (the dispatcher works in the background); fails after 15 s.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(50);
        }
    }

    /// <summary>A second organisation with its admin and credit, for isolation and balance tests.</summary>
    public async Task<Guid> AddOrganisationAsync(string name, string senderId, decimal credit)
    {
        var slug = new string(name.Where(char.IsLetter).ToArray()).ToLowerInvariant();
        await Service<OrganisationSetup>().BootstrapAsync(new BootstrapOptions
        {
            OrganisationName = name, DefaultSenderId = senderId, AdminEmail = $"admin@{slug}.co.ke", AdminPassword = "second-org-pass-1", OpeningCredit = credit,
        });
        return await OrganisationIdAsync(name);
    }

    /// <summary>A client carrying a new API key of the organisation (the bootstrapped one by default).</summary>
    public async Task<HttpClient> ApiClientAsync(Guid? organisation = null, ApiScopes scopes = ApiScopes.Read | ApiScopes.Send)
    {
        var (_, secret) = await Service<ApiKeyService>().CreateAsync(organisation ?? await OrganisationIdAsync(), "Test client", scopes, null, "test");
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>Sends a request and reads the JSON answer.</summary>
    public static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var response = await client.SendAsync(request);
        return (response.StatusCode, System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    /// <summary>Posts the sign-in form as a browser would, antiforgery token included.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var token = await AntiforgeryTokenAsync(client, "/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return TokenPattern().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery token on {path}");
    }

    /// <summary>The test server has no remote address; this sets the one a test names, before the app's own pipeline.</summary>
    private sealed class ClientAddressFromHeader : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (IPAddress.TryParse(http.Request.Headers[ClientAddressHeader], out var address))
                    http.Connection.RemoteIpAddress = address;
                return nextMiddleware(http);
            });
            next(app);
        };
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
