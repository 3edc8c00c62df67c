using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <summary>
    /// Contacts with every address: the mobile becomes optional beside an e-mail address, a Telegram chat id and a Slack
    /// member id (each unique within the book); <c>opt_outs</c> holds an address's opt-out of one channel. Existing
    /// contacts keep their numbers, and an opted-out contact stays opted out of everything. <c>contacts</c> has no
    /// triggers, so EF's table rebuild for the nullable mobile loses nothing.
    /// </summary>
    public partial class ContactAddresses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Mobile",
                table: "contacts",
                type: "TEXT",
                maxLength: 12,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 12);

            migrationBuilder.AddColumn<string>(
                name: "Email",
                table: "contacts",
                type: "TEXT",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SlackUserId",
                table: "contacts",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TelegramChatId",
                table: "contacts",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "opt_outs",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opt_outs", x => new { x.OrganisationId, x.Channel, x.Address });
                    table.ForeignKey(
                        name: "FK_opt_outs_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_contacts_AddressBookId_Email",
                table: "contacts",
                columns: new[] { "AddressBookId", "Email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_contacts_AddressBookId_SlackUserId",
                table: "contacts",
                columns: new[] { "AddressBookId", "SlackUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_contacts_AddressBookId_TelegramChatId",
                table: "contacts",
                columns: new[] { "AddressBookId", "TelegramChatId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The release before knew only whole-contact opt-outs: a number off SMS stays off, as its contacts opted out.
            migrationBuilder.Sql("""
                UPDATE contacts SET Status = 'OptedOut'
                WHERE Mobile IS NOT NULL AND EXISTS (SELECT 1 FROM opt_outs o WHERE o.OrganisationId = contacts.OrganisationId AND o.Channel = 'Sms' AND o.Address = contacts.Mobile);
                """);
            migrationBuilder.DropTable(
                name: "opt_outs");

            migrationBuilder.DropIndex(
                name: "IX_contacts_AddressBookId_Email",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "IX_contacts_AddressBookId_SlackUserId",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "IX_contacts_AddressBookId_TelegramChatId",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "Email",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "SlackUserId",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "TelegramChatId",
                table: "contacts");

            // The release before knew contacts by their number alone: those without one cannot go back.
            migrationBuilder.Sql("DELETE FROM contacts WHERE Mobile IS NULL;");
            migrationBuilder.AlterColumn<string>(
                name: "Mobile",
                table: "contacts",
                type: "TEXT",
                maxLength: 12,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 12,
                oldNullable: true);
        }
    }
}
