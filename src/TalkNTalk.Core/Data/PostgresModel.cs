using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TalkNTalk.Core.Dispatch;
using TalkNTalk.Core.Messages;

namespace TalkNTalk.Core.Data;

/// <summary>
/// What the model says differently on PostgreSQL. Every identifier is lower case (tables, columns, keys, indexes), so
/// the raw SQL of the hot paths, which names columns unquoted as the model does (<c>CampaignId</c>), reads the same on
/// both engines: PostgreSQL folds an unquoted name to lower case, SQLite ignores case. Keys SQLite takes from the rowid
/// are identity columns here.
/// </summary>
internal static class PostgresModel
{
    public const string ProviderName = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static void Apply(ModelBuilder builder)
    {
        // delivery_inbox's id is SQLite's rowid (given on insert); here a sequence gives it.
        builder.Entity<InboxReceipt>().Property(x => x.Id).ValueGeneratedOnAdd().UseIdentityByDefaultColumn();

        // The explorer pages by (CreatedAt, rowid) on SQLite, where the rowid is in every index; here by (CreatedAt, Id),
        // so the narrow index carries the Id: deep pages read the index alone.
        var messages = builder.Entity<OutboundMessage>();
        messages.Metadata.RemoveIndex(messages.Metadata.FindIndex([
            messages.Metadata.FindProperty(nameof(OutboundMessage.OrganisationId))!,
            messages.Metadata.FindProperty(nameof(OutboundMessage.CreatedAt))!])!);
        messages.HasIndex(x => new { x.OrganisationId, x.CreatedAt, x.Id });

        foreach (var entity in builder.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table)
                entity.SetTableName(table.ToLowerInvariant());
            foreach (var property in entity.GetProperties())
                property.SetColumnName(property.GetColumnName().ToLowerInvariant());
            foreach (var key in entity.GetKeys())
                key.SetName(key.GetName()!.ToLowerInvariant());
            foreach (var foreignKey in entity.GetForeignKeys())
                foreignKey.SetConstraintName(foreignKey.GetConstraintName()!.ToLowerInvariant());
            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(index.GetDatabaseName()!.ToLowerInvariant());
                // Filters name columns the SQLite way ("NextAttemptAt"); unquoted, they fold to the lower-case column.
                if (index.GetFilter() is { } filter)
                    index.SetFilter(filter.Replace("\"", "", StringComparison.Ordinal));
            }
        }
    }
}
