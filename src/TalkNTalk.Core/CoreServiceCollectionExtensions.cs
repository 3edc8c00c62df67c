using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.AddressBooks.Import;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels.Email;
using TalkNTalk.Core.Common;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Providers;
using TalkNTalk.Core.Notifications;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Pricing;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Users;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers the database, Identity's stores and every application service of Core.</summary>
    /// <param name="database">The engine and where it is (a SQLite path absolute or relative to the working directory).</param>
    public static IServiceCollection AddTalkNTalkCore(this IServiceCollection services, IConfiguration configuration, DatabaseOptions database)
    {
        // Read now, so a missing connection string stops the start with what to set.
        var connectionString = database.ConnectionStringToOpen;
        services.AddSingleton(database);
        // Pooled: the dispatcher and the callbacks open a context per operation, thousands a second at full speed.
        services.AddPooledDbContextFactory<TalkNTalkDbContext>(options => ConfigureDb(options, database.Provider, connectionString));

        services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = true;
                options.Password.RequireDigit = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<TalkNTalkDbContext>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<WriteTurns>();
        services.AddSingleton<DatabaseReadiness>();
        services.Configure<PricingOptions>(configuration.GetSection("Pricing"));
        services.Configure<BootstrapOptions>(configuration.GetSection("Bootstrap"));
        services.AddSingleton<MessagePricing>();
        services.AddSingleton<WalletNotifier>();
        services.AddSingleton<WalletService>();
        services.AddSingleton<SenderIdService>();
        services.AddSingleton<OriginSecrets>();
        services.AddSingleton<MemberService>();
        services.AddSingleton<SessionNotifier>();
        services.AddSingleton<UserSessions>();
        services.AddSingleton<OrganisationSetup>();
        services.AddSingleton<AddressBookService>();
        services.AddSingleton<ContactService>();
        services.Configure<ImportOptions>(configuration.GetSection("Import"));
        services.AddSingleton<ContactImporter>();
        services.AddSingleton<RecipientResolver>();
        services.AddSingleton<ContactExporter>();
        services.Configure<SendingOptions>(configuration.GetSection("Sending"));
        services.AddSingleton<CampaignService>();
        services.AddSingleton<CampaignQueries>();
        services.AddSingleton<CampaignCompletion>();
        services.AddSingleton<Messages.MessageQueries>();
        services.AddSingleton<Messages.MessageExporter>();
        services.AddSingleton<Messages.MessageOverview>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<CampaignNotifier>();
        services.AddSingleton<OrganisationCampaignsNotifier>();
        services.Configure<DispatchOptions>(configuration.GetSection("Dispatch"));
        services.Configure<SimulatedProviderOptions>(configuration.GetSection("SimulatedProvider"));
        services.AddSingleton<DeliveryReceiptInbox>();
        services.AddSingleton<IDeliveryReceiptSink>(sp => sp.GetRequiredService<DeliveryReceiptInbox>());
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<DispatchActivity>();
        services.AddSingleton<SimulatedSmsProvider>();
        services.Configure<SmsOptions>(configuration.GetSection("Sms"));
        services.AddSingleton<GatewayNotifier>();
        services.AddSingleton<SmsGateway>();
        services.Configure<ChannelsOptions>(configuration.GetSection(ChannelsOptions.SectionName));
        services.AddSingleton<ChannelGateways>();
        services.Configure<AppOptions>(configuration.GetSection("App"));
        services.AddSingleton<PublicLinks>();
        services.AddTalkNTalkEmail();
        services.AddSingleton<Channels.WhatsApp.WhatsAppTemplates>();
        services.AddSingleton<GatewaySettingsService>();
        services.AddSingleton<InstallationSecrets>();
        var legacyKeys = DatabaseInitializer.LegacyKeyFolder(database);
        services.AddSingleton(sp => new SmsCallbacks(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmsOptions>>(),
            sp.GetRequiredService<InstallationSecrets>(), legacyKeys is null ? null : Path.Combine(legacyKeys, "sms-callback.key")));
        // Never retried here: a retry could hand the same SMS to a gateway that does not de-duplicate. No per-request
        // log either (thousands a second): the gateway lane records failures, and the page shows them.
        services.AddHttpClient(Providers.Kannel.KannelSmsProvider.HttpClientName).RemoveAllLoggers();
        services.AddHttpClient(Providers.AfricasTalking.AfricasTalkingSmsProvider.HttpClientName).RemoveAllLoggers();
        services.AddHttpClient(Channels.Telegram.TelegramBotProvider.HttpClientName).RemoveAllLoggers();
        services.AddHttpClient(Channels.Slack.SlackWebApiProvider.HttpClientName).RemoveAllLoggers();
        services.AddHttpClient(Channels.WhatsApp.WhatsAppCloudProvider.HttpClientName).RemoveAllLoggers();
        services.Configure<Instances.InstanceOptions>(configuration.GetSection("Instances"));
        services.AddSingleton<Instances.InstanceRegistry>();
        // Chosen once: in this process on SQLite (one instance), in the database on PostgreSQL (every instance counts).
        services.AddSingleton(sp => RateLimits.RateLimitStore.Create(sp, database.Provider));
        services.AddSingleton<Dispatcher>();
        services.AddHostedService<SimulatedProviderRecovery>();
        services.AddHostedService(sp => sp.GetRequiredService<Dispatcher>());
        services.AddTalkNTalkWebhooks(configuration);
        // Several instances share a PostgreSQL database: what changes in one reaches the live pages and caches of the
        // others through LISTEN/NOTIFY. SQLite has one instance, so no backplane and nothing to pay for one.
        if (database.Provider == DatabaseProvider.Postgres)
        {
            services.AddSingleton<ChangeBackplane>();
            services.AddSingleton<PostgresBackplane>();
            services.AddHostedService(sp => sp.GetRequiredService<PostgresBackplane>());
        }
        // The key ring lives in the database, so sign-in cookies and webhook secrets survive a restart and every
        // instance on one database reads what another wrote.
        services.AddDataProtection()
            .SetApplicationName("TalkNTalk.Dashboard")
            .PersistKeysToDbContext<TalkNTalkDbContext>();
        return services;
    }

    /// <summary>The one place the EF options are set, shared by the app, tests and benchmarks.</summary>
    public static void ConfigureDb(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(connectionString)
                    .AddInterceptors(new SqlitePragmas(), new ContactSearch.Interceptor());
                break;
            case DatabaseProvider.Postgres:
                options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            default:
                throw new InvalidOperationException($"Database:Provider '{provider}' is not one of Sqlite, Postgres.");
        }
        LikeTranslation.AddTo(options);
    }

    public static void ConfigureDb(DbContextOptionsBuilder options, DatabaseOptions database) =>
        ConfigureDb(options, database.Provider, database.ConnectionStringToOpen);

    /// <summary>PostgreSQL's migrations, generated for it, in their own assembly (SQLite's are in Core).</summary>
    public const string PostgresMigrationsAssembly = "TalkNTalk.Migrations.Postgres";
}
