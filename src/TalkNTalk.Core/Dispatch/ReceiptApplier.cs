using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TalkNTalk.Core.Channels;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Messages;
using TalkNTalk.Core.Wallets;

namespace TalkNTalk.Core.Dispatch;

/// <summary>
/// Applies the delivery reports waiting in <c>delivery_inbox</c> to their messages, in one transaction per batch, and
/// deletes each report once applied. A sent message becomes delivered or undelivered; an <c>Unknown</c> one (its
/// hand-over's answer was lost) is settled by its report and charged, since the network had it. A
/// report that names the number's network corrects the prefix table's guess (numbers are portable; the statistics
/// trigger moves the message between networks in the same statement). A report that
/// overtook its submission's answer waits and is tried again (2 s, 4 s, … doubling, a dozen times); a duplicate is dropped.
/// An e-mail is delivered when the relay takes it, so its bounce turns a delivered e-mail undelivered. A failed report
/// whose code says the person does not want the channel (WhatsApp's marketing opt-out, a hard bounce) opts the address
/// out of that channel (<see cref="ChannelRules.OptOutFor"/>) in the same transaction.
/// </summary>
internal sealed class ReceiptApplier(IDbContextFactory<TalkNTalkDbContext> dbFactory, TimeProvider clock, ILogger logger)
{
    private const int MaxAttempts = 12;

    public async Task<int> ApplyAsync(int max, HashSet<(Guid Organisation, Guid Campaign)> touched, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var due = await DueAsync(connection, now, max, ct);
        if (due.Count == 0)
            return 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var sql = SqlDialect.Of(connection);
        var status = sql.Unindexed("Status");
        await using var sent = new Statement(connection, $$"""
            UPDATE messages SET Status = @status, DeliveredAt = CASE WHEN @delivered = 1 THEN {{sql.Greatest("@at", "coalesce(SentAt, @at)")}} END,
                ErrorCode = @code{1}, UpdatedAt = {{sql.Greatest("@at", "coalesce(SentAt, @at)")}}
            WHERE {0} AND {{status}} = 'Sent'
            RETURNING OrganisationId, CampaignId, Cost, Channel, Address
            """);
        await using var unknown = new Statement(connection, $$"""
            UPDATE messages SET Status = @status, SentAt = coalesce(SentAt, UpdatedAt), DeliveredAt = CASE WHEN @delivered = 1 THEN {{sql.Greatest("@at", "UpdatedAt")}} END,
                ErrorCode = @code{1}, UpdatedAt = {{sql.Greatest("@at", "UpdatedAt")}}
            WHERE {0} AND {{status}} = 'Unknown'
            RETURNING OrganisationId, CampaignId, Cost, Channel, Address
            """);
        // Only a non-delivery runs this: an e-mail was recorded delivered when the relay took it, and bounced since.
        await using var bounced = new Statement(connection, $$"""
            UPDATE messages SET Status = @status, DeliveredAt = NULL, ErrorCode = @code, UpdatedAt = {{sql.Greatest("@at", "UpdatedAt")}}
            WHERE {0} AND {{status}} = 'Delivered' AND Channel = 'Email' AND @delivered = 0
            RETURNING OrganisationId, CampaignId, Cost, Channel, Address
            """);
        await using var current = new Statement(connection, "SELECT Status FROM messages WHERE {0}");
        await using var retry = Sql.Command(connection, "UPDATE delivery_inbox SET Attempts = Attempts + 1, RetryAt = @retry WHERE Id = @id");

        var money = new CampaignMoney();
        var done = new List<long>(due.Count);
        foreach (var receipt in due)
        {
            var applied = await RunAsync(db, sent.For(receipt), receipt, touched, money: null, ct)
                          || await RunAsync(db, unknown.For(receipt), receipt, touched, money, ct)
                          || (!receipt.Delivered && await RunAsync(db, bounced.For(receipt), receipt, touched, money: null, ct));
            if (!applied && receipt.Attempts < MaxAttempts && await IsAwaitingAnswerAsync(current.For(receipt), receipt, ct))
            {
                Sql.Set(retry, "@id", receipt.Id);
                Sql.Set(retry, "@retry", now.AddSeconds(2 << receipt.Attempts));
                await retry.ExecuteNonQueryAsync(ct);
                continue;
            }
            if (!applied && receipt.Attempts >= MaxAttempts)
                logger.LogWarning("A delivery report for {Message} found no sent message in {Attempts} attempts: dropped", receipt.MessageId?.ToString() ?? receipt.ProviderMessageId, receipt.Attempts);
            done.Add(receipt.Id);
        }
        // Applied and dropped reports go in one statement, not one per report.
        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = $"DELETE FROM delivery_inbox WHERE {sql.InIdList("Id", "@ids")}";
            Sql.Add(delete, "@ids", sql.IdList(done));
            await delete.ExecuteNonQueryAsync(ct);
        }
        await money.ApplyAsync(db, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return due.Count;
    }

    private static async Task<List<Due>> DueAsync(DbConnection connection, DateTime now, int max, CancellationToken ct)
    {
        await using var read = connection.CreateCommand();
        read.CommandText = """
            SELECT Id, MessageId, ProviderMessageId, Delivered, ErrorCode, At, Attempts, Network FROM delivery_inbox
            WHERE RetryAt IS NULL OR RetryAt <= @now ORDER BY Id LIMIT @max
            """;
        Sql.Add(read, "@now", now);
        Sql.Add(read, "@max", max);
        var due = new List<Due>();
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            due.Add(new Due(reader.GetInt64(0), Sql.ReadNullableGuid(reader, 1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetString(4), Sql.ReadTime(reader, 5), reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        return due;
    }

    private static async Task<bool> RunAsync(TalkNTalkDbContext db, DbCommand update, Due receipt, HashSet<(Guid, Guid)> touched, CampaignMoney? money, CancellationToken ct)
    {
        Bind(update, receipt);
        Sql.Set(update, "@status", (receipt.Delivered ? MessageStatus.Delivered : MessageStatus.Undelivered).ToString());
        Sql.Set(update, "@delivered", receipt.Delivered ? 1 : 0);
        Sql.Set(update, "@code", receipt.ErrorCode);
        Sql.Set(update, "@at", receipt.At);
        if (receipt.Network is not null && update.Parameters.Contains("@network"))
            Sql.Set(update, "@network", receipt.Network);
        await using var reader = await update.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return false;
        var (organisation, campaign) = (Sql.ReadGuid(reader, 0), Sql.ReadGuid(reader, 1));
        money?.Charge(organisation, campaign, Sql.ReadDecimal(reader, 2));
        var (channel, address) = (Enum.Parse<Channel>(reader.GetString(3)), reader.GetString(4));
        await reader.DisposeAsync();
        touched.Add((organisation, campaign));
        if (!receipt.Delivered && ChannelRules.OptOutFor(channel, receipt.ErrorCode) is { } reason)
            await AddressBooks.ContactService.InsertOptOutAsync(db, organisation, channel, address, reason, receipt.At, ct);
        return true;
    }

    // Still queued or being handed over: the submission's answer has not been recorded yet, so the report waits for it.
    private static async Task<bool> IsAwaitingAnswerAsync(DbCommand status, Due receipt, CancellationToken ct)
    {
        Bind(status, receipt);
        return await status.ExecuteScalarAsync(ct) is string current
               && current is nameof(MessageStatus.Queued) or nameof(MessageStatus.Submitting) or nameof(MessageStatus.Held);
    }

    private static void Bind(DbCommand command, Due receipt) =>
        Sql.Set(command, "@key", receipt.MessageId is { } id ? id : receipt.ProviderMessageId);

    // A statement in up to four forms, each prepared on first use: by our message id (the primary key) or by the
    // provider's id (its index); with the report's network or without it. Network is indexed, and SQLite rewrites an
    // index entry for every column a SET names, even to the same value, so a report that names no network (Kannel's)
    // leaves the column out.
    private sealed class Statement(DbConnection connection, string sql) : IAsyncDisposable
    {
        private readonly DbCommand?[] _forms = new DbCommand?[4];
        private readonly bool _setsNetwork = sql.Contains("{1}", StringComparison.Ordinal);

        public DbCommand For(Due receipt)
        {
            var (byMessageId, withNetwork) = (receipt.ByMessageId, _setsNetwork && receipt.Network is not null);
            ref var form = ref _forms[(byMessageId ? 2 : 0) + (withNetwork ? 1 : 0)];
            return form ??= Sql.Command(connection, string.Format(CultureInfo.InvariantCulture, sql, byMessageId ? "Id = @key" : "ProviderMessageId = @key",
                withNetwork ? ", Network = @network" : ""));
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var form in _forms)
                if (form is not null)
                    await form.DisposeAsync();
        }
    }

    private sealed record Due(long Id, Guid? MessageId, string? ProviderMessageId, bool Delivered, string? ErrorCode, DateTime At, int Attempts, string? Network)
    {
        public bool ByMessageId => MessageId is not null;
    }
}
