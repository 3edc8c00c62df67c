using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class GatewaySettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sms_gateway_settings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    KannelSendSmsUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    KannelUsername = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    KannelPasswordProtected = table.Column<string>(type: "TEXT", nullable: true),
                    KannelMessagesPerSecond = table.Column<int>(type: "INTEGER", nullable: false),
                    KannelSmsc = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    AfricasTalkingBaseUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    AfricasTalkingUsername = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AfricasTalkingApiKeyProtected = table.Column<string>(type: "TEXT", nullable: true),
                    AfricasTalkingMessagesPerSecond = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sms_gateway_settings", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sms_gateway_settings");
        }
    }
}
