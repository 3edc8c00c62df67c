using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Instances : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ClaimedBy",
                table: "messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "app_instances",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SeenAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_app_instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "rate_limit_hits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rate_limit_hits", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_rate_limit_hits_Key_At",
                table: "rate_limit_hits",
                columns: new[] { "Key", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "app_instances");

            migrationBuilder.DropTable(
                name: "rate_limit_hits");

            // SQLite drops a column in place; EF's table rebuild would lose the messages' triggers.
            migrationBuilder.Sql("ALTER TABLE messages DROP COLUMN ClaimedBy;");
        }
    }
}
