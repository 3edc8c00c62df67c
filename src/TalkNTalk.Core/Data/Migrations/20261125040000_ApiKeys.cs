using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace TalkNTalk.Core.Data.Migrations;

/// <summary>API keys (hashes only). Written by hand; <c>MigrationDriftTests</c> keeps it equal to the model.</summary>
[DbContext(typeof(TalkNTalkDbContext))]
[Migration("20261125040000_ApiKeys")]
public sealed class ApiKeys : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "api_keys",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                DisplayPrefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Scopes = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                LastUsedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_api_keys", x => x.Id);
                table.ForeignKey(
                    name: "FK_api_keys_organisations_OrganisationId",
                    column: x => x.OrganisationId,
                    principalTable: "organisations",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(name: "IX_api_keys_Hash", table: "api_keys", column: "Hash", unique: true);
        migrationBuilder.CreateIndex(name: "IX_api_keys_OrganisationId", table: "api_keys", column: "OrganisationId");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "api_keys");
}
