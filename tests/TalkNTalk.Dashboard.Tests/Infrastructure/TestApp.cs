using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace TalkNTalk.Dashboard.Tests.Infrastructure;

/// <summary>The whole web app in the ASP.NET test host, on its own SQLite file in a temporary folder.</summary>
public sealed partial class TestApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@acme.co.ke";
    public const string AdminPassword = "correct-horse-7";

    private readonly string _folder = Directory.CreateTempSubdirectory("talkntalk-api-").FullName;
    private readonly bool _bootstrap;

    /// <param name="bootstrap">True: start with an organisation and admin from the Bootstrap settings; false: a first run.</param>
    public TestApp(bool bootstrap = true) => _bootstrap = bootstrap;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Path", Path.Combine(_folder, "talkntalk.db"));
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

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

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
