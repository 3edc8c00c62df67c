using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TalkNTalk.Core.Users;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.Tests.Infrastructure;

/// <summary>
/// Rows as the releases before the <c>Channels</c>, <c>ContactAddresses</c> and <c>Origins</c> migrations wrote them, for the tests that upgrade an old database:
/// today's services write columns those schemas do not have. An SMS campaign with its queued messages, their counts
/// in <c>message_stats</c> and their numbers in the trigram index, as <c>CampaignService</c> and <c>MessageIndex</c> did.
/// </summary>
internal static class LegacyRows
{
    /// <summary>
    /// An organisation with its admin, wallet (and opening credit) and default sender ID as set-up wrote them before
    /// sender IDs had channels (migration <c>Origins</c>); the admin's user through Identity, whose tables have not changed.
    /// </summary>
    public static async Task<Guid> InsertOrganisationAsync(TestServices services, decimal credit, string name = "Acme Kenya", string sender = "ACMEKE")
    {
        var organisation = Guid.NewGuid();
        var now = Sql.Text(new DateTime(2026, 11, 20, 4, 0, 0, DateTimeKind.Utc));
        var org = Sql.Text(organisation);
        var amount = Sql.Text(credit);
        string userId;
        await using (var scope = services.Get<IServiceScopeFactory>().CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var email = TestServices.AdminEmailOf(name);
            var admin = new AppUser { UserName = email, Email = email, DisplayName = $"{name} Admin", EmailConfirmed = true };
            var created = await users.CreateAsync(admin, "correct-horse-7");
            Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
            userId = admin.Id;
        }
        await using var db = services.NewDb();
        await db.Database.ExecuteSqlAsync($"INSERT INTO organisations (Id, Name, TimeZoneId, CreatedAt) VALUES ({org}, {name}, 'Africa/Nairobi', {now})");
        await db.Database.ExecuteSqlAsync($"INSERT INTO wallets (OrganisationId, Available, Reserved, UpdatedAt, Version) VALUES ({org}, {amount}, '0', {now}, 1)");
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO wallet_ledger (OrganisationId, Kind, Amount, AvailableAfter, ReservedAfter, Note, Actor, Reference, CreatedAt)
            VALUES ({org}, 'TopUp', {amount}, {amount}, '0', 'Opening credit', 'setup', 'bootstrap:opening-credit', {now})
            """);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO sender_ids (Id, OrganisationId, Name, NormalizedName, Category, Status, IsDefault, CreatedAt, DecidedAt, DecidedBy)
            VALUES ({Sql.Text(Guid.NewGuid())}, {org}, {sender}, {sender.ToUpperInvariant()}, 'Transactional', 'Approved', 1, {now}, {now}, 'setup')
            """);
        await db.Database.ExecuteSqlAsync($"INSERT INTO memberships (Id, OrganisationId, UserId, Role, CreatedAt) VALUES ({Sql.Text(Guid.NewGuid())}, {org}, {userId}, 'Admin', {now})");
        return organisation;
    }

    /// <summary>A contact as the address books wrote it before contacts had other addresses than the mobile.</summary>
    public static async Task InsertContactAsync(TalkNTalkDbContext db, Guid organisationId, Guid addressBookId, string mobile, string? firstName, string? lastName, string? customFields = null)
    {
        var now = Sql.Text(new DateTime(2026, 11, 20, 5, 0, 0, DateTimeKind.Utc));
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO contacts (OrganisationId, AddressBookId, Mobile, Network, FirstName, LastName, CustomFields, Status, CreatedAt, UpdatedAt)
            VALUES ({Sql.Text(organisationId)}, {Sql.Text(addressBookId)}, {mobile}, {KenyanNetworks.Detect(mobile).ToString()}, {firstName}, {lastName}, {customFields}, 'Active', {now}, {now})
            """);
    }

    /// <summary>The campaign's id, and its messages' ids in the order of <paramref name="mobiles"/>.</summary>
    public static async Task<(Guid Campaign, IReadOnlyList<Guid> Messages)> InsertSmsCampaignAsync(TalkNTalkDbContext db, Guid organisationId, IReadOnlyList<string> mobiles, string body = "Habari, your statement is ready.")
    {
        var campaign = Guid.NewGuid();
        var ids = new List<Guid>();
        var now = Sql.Text(new DateTime(2026, 11, 20, 5, 0, 0, DateTimeKind.Utc));
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = Sql.Command(connection, """
            INSERT INTO campaigns (Id, OrganisationId, Name, Message, SenderId, SenderCategory, Status, Source, RecipientsCount, SentCount,
                DeliveredCount, FailedCount, EstimatedCost, ActualCost, CreatedBy, CreatedAt, StartedAt)
            VALUES (@id, @org, 'Statements', @body, 'ACMEKE', 'Transactional', 'Running', 'Web', @count, 0, 0, 0, @cost, '0', 'admin@acme.co.ke', @now, @now);
            """))
        {
            insert.Transaction = transaction;
            Sql.Set(insert, "@id", Sql.Text(campaign));
            Sql.Set(insert, "@org", Sql.Text(organisationId));
            Sql.Set(insert, "@body", body);
            Sql.Set(insert, "@count", mobiles.Count);
            Sql.Set(insert, "@cost", Sql.Text((decimal)mobiles.Count));
            Sql.Set(insert, "@now", now);
            await insert.ExecuteNonQueryAsync();
        }
        await using (var insert = Sql.Command(connection, """
            INSERT INTO messages (Id, OrganisationId, CampaignId, Mobile, Network, SenderId, Body, Segments, Encoding, Cost, Status, Source, CreatedAt, UpdatedAt)
            VALUES (@id, @org, @campaign, @mobile, @network, 'ACMEKE', @body, 1, 'Gsm7', '1', 'Queued', 'Web', @now, @now);
            """))
        {
            insert.Transaction = transaction;
            Sql.Set(insert, "@org", Sql.Text(organisationId));
            Sql.Set(insert, "@campaign", Sql.Text(campaign));
            Sql.Set(insert, "@body", body);
            Sql.Set(insert, "@now", now);
            foreach (var mobile in mobiles)
            {
                ids.Add(Guid.CreateVersion7());
                Sql.Set(insert, "@id", Sql.Text(ids[^1]));
                Sql.Set(insert, "@mobile", mobile);
                Sql.Set(insert, "@network", KenyanNetworks.Detect(mobile).ToString());
                await insert.ExecuteNonQueryAsync();
            }
        }
        await using (var index = Sql.Command(connection, """
            INSERT INTO message_stats (CampaignId, Status, Network, OrganisationId, CreatedAt, SenderId, Source, Messages, CostCents)
            SELECT CampaignId, Status, Network, MIN(OrganisationId), MIN(CreatedAt), MIN(SenderId), MIN(Source), COUNT(*), SUM(CAST(round(Cost * 100) AS INTEGER))
            FROM messages WHERE CampaignId = @campaign GROUP BY CampaignId, Status, Network;
            INSERT INTO message_search (rowid, Mobile) SELECT rowid, Mobile FROM messages WHERE CampaignId = @campaign;
            """))
        {
            index.Transaction = transaction;
            Sql.Set(index, "@campaign", Sql.Text(campaign));
            await index.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return (campaign, ids);
    }
}
