using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryReportNetwork : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Network",
                table: "delivery_inbox",
                type: "TEXT",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Network",
                table: "delivery_inbox");
        }
    }
}
