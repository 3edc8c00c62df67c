using TalkNTalk.Core.Common;
using Microsoft.EntityFrameworkCore;
using TalkNTalk.Core.Data;
using TalkNTalk.Core.Organisations;
using TalkNTalk.Core.Phones;

namespace TalkNTalk.Core.AddressBooks;

/// <summary>
/// Writes a book as CSV with the columns the importer reads (mobile, email, telegram_chat_id, slack_user_id, first_name, last_name, status, network,
/// custom fields, created_at), streaming rows from the database so a large book never sits in memory.
/// </summary>
public sealed class ContactExporter(IDbContextFactory<TalkNTalkDbContext> dbFactory)
{
    public async Task<int> WriteCsvAsync(Guid organisationId, Guid addressBookId, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await AddressBookService.FindAsync(db, organisationId, addressBookId, ct);
        // Times as the screen shows them: the organisation's zone, with its offset.
        var zone = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.TimeZoneId).SingleAsync(ct);
        var contacts = db.Contacts.AsNoTracking().Where(c => c.AddressBookId == addressBookId);
        // The custom columns are the union of every contact's keys; read them first with a light query.
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var json in contacts.Where(c => c.CustomFields != null).Select(c => c.CustomFields).Distinct().AsAsyncEnumerable().WithCancellation(ct))
            keys.UnionWith(ContactFields.Parse(json).Keys);

        await using var csv = CsvCells.CreateWriter(writer);
        foreach (var header in new[] { "mobile", "email", "telegram_chat_id", "slack_user_id", "first_name", "last_name", "status", "network" }.Concat(keys).Append("created_at"))
            csv.WriteField(header);
        await csv.NextRecordAsync();
        var count = 0;
        await foreach (var c in contacts.OrderBy(c => c.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            csv.WriteField(c.Mobile);
            csv.WriteField(c.Email);
            csv.WriteField(c.TelegramChatId);
            csv.WriteField(c.SlackUserId);
            csv.WriteField(c.FirstName);
            csv.WriteField(c.LastName);
            csv.WriteField(c.Status == ContactStatus.Active ? "active" : "opted_out");
            csv.WriteField(c.Network.ToApiName());
            var fields = ContactFields.Parse(c.CustomFields);
            foreach (var key in keys)
                csv.WriteField(fields.GetValueOrDefault(key));
            csv.WriteField(OrganisationTime.Iso(c.CreatedAt, zone));
            await csv.NextRecordAsync();
            if (++count % 5000 == 0)
                await csv.FlushAsync();
        }
        await csv.FlushAsync();
        return count;
    }
}
