using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using TalkNTalk.Core.AddressBooks;
using TalkNTalk.Core.ApiKeys;
using TalkNTalk.Core.Campaigns;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.SenderIds;
using TalkNTalk.Core.Users;
using TalkNTalk.Core.Wallets;
using TalkNTalk.Core.Webhooks;

namespace TalkNTalk.Core.Data;

/// <summary>
/// The one database, on SQLite or PostgreSQL (<see cref="DatabaseProvider"/>): the same model on both, with what differs
/// on PostgreSQL in <see cref="PostgresModel"/>. Each engine has its own generated migrations: SQLite's in
/// <c>Data/Migrations</c>, PostgreSQL's in the TalkNTalk.Migrations.Postgres project.
/// </summary>
public sealed class TalkNTalkDbContext(DbContextOptions<TalkNTalkDbContext> options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring every instance shares (sign-in cookies, webhook secrets, bot tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<InstallationSecret> InstallationSecrets => Set<InstallationSecret>();
    public DbSet<Instances.AppInstance> AppInstances => Set<Instances.AppInstance>();
    public DbSet<RateLimits.RateLimitHit> RateLimitHits => Set<RateLimits.RateLimitHit>();

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<SenderId> SenderIds => Set<SenderId>();
    public DbSet<Wallet> Wallets => Set<Wallet>();
    public DbSet<WalletLedgerEntry> WalletLedger => Set<WalletLedgerEntry>();
    public DbSet<AddressBook> AddressBooks => Set<AddressBook>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<OptOut> OptOuts => Set<OptOut>();
    public DbSet<OutboundMessage> Messages => Set<OutboundMessage>();
    public DbSet<MessageStat> MessageStats => Set<MessageStat>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<InboxReceipt> DeliveryInbox => Set<InboxReceipt>();
    public DbSet<Providers.GatewaySettings> GatewaySettings => Set<Providers.GatewaySettings>();
    public DbSet<Channels.WhatsApp.WhatsAppTemplateDefinition> WhatsAppTemplates => Set<Channels.WhatsApp.WhatsAppTemplateDefinition>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<AppUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(100);
        });

        builder.Entity<Channels.WhatsApp.WhatsAppTemplateDefinition>(t =>
        {
            t.ToTable("whatsapp_templates");
            t.Property(x => x.Name).HasMaxLength(512);
            t.Property(x => x.Language).HasMaxLength(16);
            t.Property(x => x.Body).HasMaxLength(Channels.WhatsApp.WhatsAppTemplateDefinition.MaxBodyLength);
            t.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            t.HasIndex(x => new { x.OrganisationId, x.Name, x.Language }).IsUnique();
        });

        builder.Entity<Providers.GatewaySettings>(g =>
        {
            g.ToTable("sms_gateway_settings");
            g.Property(x => x.Id).ValueGeneratedNever();
            g.Property(x => x.Provider).HasConversion<string>().HasMaxLength(32);
            g.Property(x => x.KannelSendSmsUrl).HasMaxLength(2048);
            g.Property(x => x.KannelUsername).HasMaxLength(200);
            g.Property(x => x.KannelSmsc).HasMaxLength(100);
            g.Property(x => x.AfricasTalkingBaseUrl).HasMaxLength(2048);
            g.Property(x => x.AfricasTalkingUsername).HasMaxLength(200);
            g.Property(x => x.UpdatedBy).HasMaxLength(256);
        });

        builder.Entity<Organisation>(org =>
        {
            org.ToTable("organisations");
            org.Property(o => o.Name).HasMaxLength(100);
            org.Property(o => o.TimeZoneId).HasMaxLength(64);
            org.HasIndex(o => o.Name).IsUnique();
        });

        builder.Entity<Membership>(m =>
        {
            m.ToTable("memberships");
            m.Property(x => x.Role).HasConversion<string>().HasMaxLength(16);
            m.HasOne(x => x.Organisation).WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            m.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            m.HasIndex(x => x.UserId).IsUnique();
            m.HasIndex(x => new { x.OrganisationId, x.Role });
        });

        builder.Entity<UserSession>(s =>
        {
            s.ToTable("user_sessions");
            s.Property(x => x.UserAgent).HasMaxLength(UserSession.MaxUserAgentLength);
            s.Property(x => x.IpAddress).HasMaxLength(UserSession.MaxAddressLength);
            s.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            s.HasIndex(x => x.UserId);
        });

        builder.Entity<SenderId>(s =>
        {
            s.ToTable("sender_ids");
            s.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16).HasDefaultValue(Channel.Sms).HasSentinel((Channel)(-1));
            s.Property(x => x.Name).HasMaxLength(SenderId.MaxOriginLength);
            s.Property(x => x.NormalizedName).HasMaxLength(SenderId.MaxOriginLength);
            s.Property(x => x.Category).HasConversion<string>().HasMaxLength(16);
            s.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            s.Property(x => x.DecidedBy).HasMaxLength(256);
            s.Property(x => x.ProviderRef).HasMaxLength(64);
            s.Property(x => x.Secret).HasMaxLength(2000);
            s.Property(x => x.VerificationTokenHash).HasMaxLength(64);
            s.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            s.HasIndex(x => new { x.OrganisationId, x.Channel, x.NormalizedName }).IsUnique();
            // A WhatsApp number's phone-number id belongs to one organisation: every organisation sends with the
            // installation's access token, so another must not name the same id.
            s.HasIndex(x => new { x.Channel, x.ProviderRef }).IsUnique().HasFilter("ProviderRef IS NOT NULL");
        });

        builder.Entity<Wallet>(w =>
        {
            w.ToTable("wallets");
            w.HasKey(x => x.OrganisationId);
            w.Property(x => x.Available).HasPrecision(18, 2);
            w.Property(x => x.Reserved).HasPrecision(18, 2);
            w.Property(x => x.Version).IsConcurrencyToken();
            w.HasOne<Organisation>().WithOne().HasForeignKey<Wallet>(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<WalletLedgerEntry>(e =>
        {
            e.ToTable("wallet_ledger");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Amount).HasPrecision(18, 2);
            e.Property(x => x.AvailableAfter).HasPrecision(18, 2);
            e.Property(x => x.ReservedAfter).HasPrecision(18, 2);
            e.Property(x => x.Note).HasMaxLength(200);
            e.Property(x => x.Actor).HasMaxLength(256);
            e.Property(x => x.Reference).HasMaxLength(64);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.OrganisationId, x.Id });
            e.HasIndex(x => new { x.OrganisationId, x.Reference });
        });

        builder.Entity<AddressBook>(b =>
        {
            b.ToTable("address_books");
            b.Property(x => x.Name).HasMaxLength(AddressBook.MaxNameLength);
            b.Property(x => x.NormalizedName).HasMaxLength(AddressBook.MaxNameLength);
            b.Property(x => x.Description).HasMaxLength(AddressBook.MaxDescriptionLength);
            b.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => new { x.OrganisationId, x.NormalizedName }).IsUnique();
        });

        builder.Entity<Contact>(c =>
        {
            c.ToTable("contacts");
            c.Property(x => x.Mobile).HasMaxLength(12);
            c.Property(x => x.Network).HasConversion<string>().HasMaxLength(16);
            c.Property(x => x.Email).HasMaxLength(ChannelAddress.MaxEmailLength);
            c.Property(x => x.TelegramChatId).HasMaxLength(Contact.MaxIdLength);
            c.Property(x => x.SlackUserId).HasMaxLength(Contact.MaxIdLength);
            c.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            c.Property(x => x.FirstName).HasMaxLength(Contact.MaxNameLength);
            c.Property(x => x.LastName).HasMaxLength(Contact.MaxNameLength);
            c.HasOne<AddressBook>().WithMany().HasForeignKey(x => x.AddressBookId).OnDelete(DeleteBehavior.Cascade);
            // One number once per book; also the book's page order and the upsert key of imports. Each other address is
            // once per book too (a unique index lets any number of contacts lack the address).
            c.HasIndex(x => new { x.AddressBookId, x.Mobile }).IsUnique();
            c.HasIndex(x => new { x.AddressBookId, x.Email }).IsUnique();
            c.HasIndex(x => new { x.AddressBookId, x.TelegramChatId }).IsUnique();
            c.HasIndex(x => new { x.AddressBookId, x.SlackUserId }).IsUnique();
            // Covers recipient resolution (active numbers of a book) without touching the table.
            c.HasIndex(x => new { x.AddressBookId, x.Status, x.Mobile, x.Network });
            c.HasIndex(x => new { x.AddressBookId, x.LastName, x.FirstName });
            // Organisation-wide opt-outs, checked when resolving recipients.
            c.HasIndex(x => new { x.OrganisationId, x.Status, x.Mobile });
        });
        // The contact search's folded text: a C# function registered on each SQLite connection, a SQL function on PostgreSQL.
        builder.HasDbFunction(typeof(ContactSearch).GetMethod(nameof(ContactSearch.Text))!)
            .HasName(ContactSearch.FunctionName).IsNullable(false);

        builder.Entity<OptOut>(o =>
        {
            o.ToTable("opt_outs");
            o.HasKey(x => new { x.OrganisationId, x.Channel, x.Address });
            o.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16);
            o.Property(x => x.Address).HasMaxLength(ChannelAddress.MaxEmailLength);
            o.Property(x => x.Reason).HasConversion<string>().HasMaxLength(24);
            o.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Campaign>(c =>
        {
            c.ToTable("campaigns");
            c.Property(x => x.Name).HasMaxLength(Campaign.MaxNameLength);
            c.Property(x => x.SenderId).HasMaxLength(SenderId.MaxOriginLength);
            c.Property(x => x.Subject).HasMaxLength(Campaign.MaxSubjectLength);
            c.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16).HasDefaultValue(Channel.Sms).HasSentinel((Channel)(-1));
            c.Property(x => x.SenderCategory).HasConversion<string>().HasMaxLength(16);
            c.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            c.Property(x => x.Source).HasConversion<string>().HasMaxLength(8);
            c.Property(x => x.CreatedBy).HasMaxLength(256);
            c.Property(x => x.EstimatedCost).HasPrecision(18, 2);
            c.Property(x => x.ActualCost).HasPrecision(18, 2);
            c.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            c.HasIndex(x => new { x.OrganisationId, x.CreatedAt });
            // The dispatcher's claim starts from a channel's queued and running campaigns.
            c.HasIndex(x => new { x.Status, x.Channel });
            c.HasIndex(x => new { x.Status, x.ScheduledAt });
        });

        builder.Entity<OutboundMessage>(m =>
        {
            m.ToTable("messages");
            m.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16).HasDefaultValue(Channel.Sms).HasSentinel((Channel)(-1));
            m.Property(x => x.Address).HasMaxLength(OutboundMessage.MaxAddressLength);
            m.Property(x => x.Network).HasConversion<string>().HasMaxLength(16);
            m.Property(x => x.SenderId).HasMaxLength(SenderId.MaxOriginLength);
            m.Property(x => x.Encoding).HasConversion<string>().HasMaxLength(8);
            m.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            m.Property(x => x.Source).HasConversion<string>().HasMaxLength(8);
            m.Property(x => x.Cost).HasPrecision(18, 2);
            m.Property(x => x.ProviderMessageId).HasMaxLength(100);
            m.Property(x => x.ErrorCode).HasMaxLength(64);
            m.Property(x => x.ErrorDetail).HasMaxLength(500);
            m.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
            // The dispatcher's claim: due queued messages, oldest first.
            m.HasIndex(x => new { x.Status, x.ScheduledAt });
            m.HasIndex(x => new { x.CampaignId, x.Status });
            m.HasIndex(x => x.ProviderMessageId);
            // The explorer's filters, newest first within an organisation (MessageQueries.IndexFor picks one per filter
            // shape). The narrow index pages through everything fastest (page 5,000 in a tenth of the time); the wide one
            // carries the filter columns, so combinations page through the index alone. Numbers are searched through
            // the FTS5 table message_search, not an index here.
            m.HasIndex(x => new { x.OrganisationId, x.CreatedAt });
            m.HasIndex(x => new { x.OrganisationId, x.CreatedAt, x.Status, x.Network, x.Source, x.SenderId, x.Channel })
                .HasDatabaseName("IX_messages_Explorer");
            m.HasIndex(x => new { x.OrganisationId, x.Status, x.CreatedAt });
            m.HasIndex(x => new { x.OrganisationId, x.Network, x.CreatedAt });
            m.HasIndex(x => new { x.CampaignId, x.CreatedAt });
        });

        builder.Entity<MessageStat>(s =>
        {
            s.ToTable("message_stats");
            s.HasKey(x => new { x.CampaignId, x.Status, x.Network });
            s.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            s.Property(x => x.Network).HasConversion<string>().HasMaxLength(16);
            s.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16).HasDefaultValue(Channel.Sms).HasSentinel((Channel)(-1));
            s.Property(x => x.SenderId).HasMaxLength(SenderId.MaxOriginLength);
            s.Property(x => x.Source).HasConversion<string>().HasMaxLength(8);
            s.HasIndex(x => new { x.OrganisationId, x.CreatedAt });
        });

        builder.Entity<ApiKey>(k =>
        {
            k.ToTable("api_keys");
            k.Property(x => x.Name).HasMaxLength(100);
            k.Property(x => x.DisplayPrefix).HasMaxLength(16);
            k.Property(x => x.Hash).HasMaxLength(64);
            k.Property(x => x.Scopes).HasConversion<int>();
            k.Property(x => x.CreatedBy).HasMaxLength(256);
            k.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            k.HasIndex(x => x.Hash).IsUnique();
            k.HasIndex(x => x.OrganisationId);
        });

        builder.Entity<WebhookEndpoint>(w =>
        {
            w.ToTable("webhook_endpoints");
            w.Property(x => x.Url).HasMaxLength(WebhookEndpoint.MaxUrlLength);
            w.Property(x => x.Description).HasMaxLength(WebhookEndpoint.MaxDescriptionLength);
            w.Property(x => x.Events).HasConversion<int>();
            w.Property(x => x.ProtectedSecret).HasMaxLength(1000);
            w.Property(x => x.SecretHint).HasMaxLength(16);
            w.Property(x => x.PreviousProtectedSecret).HasMaxLength(1000);
            w.Property(x => x.DisabledReason).HasMaxLength(500);
            w.Property(x => x.CreatedBy).HasMaxLength(256);
            w.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            // The outbox trigger looks up the organisation's endpoints on every message status change.
            w.HasIndex(x => x.OrganisationId);
        });

        builder.Entity<WebhookDelivery>(d =>
        {
            d.ToTable("webhook_deliveries");
            d.Ignore(x => x.EventId);
            d.Property(x => x.EventType).HasMaxLength(32);
            d.Property(x => x.MessageStatus).HasConversion<string>().HasMaxLength(16);
            d.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            d.Property(x => x.LastError).HasMaxLength(500);
            // The dispatcher's status changes insert these rows, so nothing on insert may cost more than the row itself: no
            // foreign key (WebhookService deletes an endpoint's rows with it) and no index that a new row enters. New rows
            // are found in id order (WebhookWorker's cursor); only retries, re-sends and tests have a NextAttemptAt.
            d.HasIndex(x => x.NextAttemptAt).HasFilter("\"NextAttemptAt\" IS NOT NULL");
            // A plain rowid key, without AUTOINCREMENT: AUTOINCREMENT writes sqlite_sequence on every insert, about a third
            // of the trigger's cost. The id of a deleted newest row could come back behind WebhookWorker's cursor, so that
            // row is never deleted (WebhookDeliveryIds).
            d.Property(x => x.Id).Metadata.SetValueGenerationStrategy(SqliteValueGenerationStrategy.None);
        });

        builder.Entity<InboxReceipt>(r =>
        {
            // Written by DeliveryReceiptInbox (SQLite gives the rowid) and read by ReceiptApplier in arrival order; it
            // stays small, so no index.
            r.ToTable("delivery_inbox");
            r.Property(x => x.Id).ValueGeneratedNever();
            r.Property(x => x.ProviderMessageId).HasMaxLength(100);
            r.Property(x => x.ErrorCode).HasMaxLength(64);
            r.Property(x => x.Network).HasConversion<string>().HasMaxLength(16);
        });

        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        builder.Entity<Instances.AppInstance>(x =>
        {
            x.ToTable("app_instances");
            x.Property(i => i.Id).ValueGeneratedNever();
            x.Property(i => i.Name).HasMaxLength(Instances.AppInstance.MaxNameLength);
        });

        builder.Entity<RateLimits.RateLimitHit>(x =>
        {
            x.ToTable("rate_limit_hits");
            x.Property(h => h.Key).HasMaxLength(RateLimits.RateLimitHit.MaxKeyLength);
            x.HasIndex(h => new { h.Key, h.At });
        });

        builder.Entity<InstallationSecret>(x =>
        {
            x.ToTable("installation_secrets");
            x.HasKey(s => s.Name);
            x.Property(s => s.Name).HasMaxLength(InstallationSecret.MaxNameLength);
        });

        if (Database.ProviderName == PostgresModel.ProviderName)
            PostgresModel.Apply(builder);
    }
}
