using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <summary>
    /// The dispatcher's claim starts from a channel's queued and running campaigns (so an idle channel does not walk
    /// another's backlog); a WhatsApp phone-number id belongs to one organisation of the installation.
    /// </summary>
    public partial class ClaimIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_sender_ids_Channel_ProviderRef",
                table: "sender_ids",
                columns: new[] { "Channel", "ProviderRef" },
                unique: true,
                filter: "ProviderRef IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Status_Channel",
                table: "campaigns",
                columns: new[] { "Status", "Channel" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sender_ids_Channel_ProviderRef",
                table: "sender_ids");

            migrationBuilder.DropIndex(
                name: "IX_campaigns_Status_Channel",
                table: "campaigns");
        }
    }
}
