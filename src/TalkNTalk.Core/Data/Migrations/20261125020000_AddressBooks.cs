using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace TalkNTalk.Core.Data.Migrations;

/// <summary>Address books and their contacts. Written by hand; <c>MigrationDriftTests</c> keeps it equal to the model.</summary>
[DbContext(typeof(TalkNTalkDbContext))]
[Migration("20261125020000_AddressBooks")]
public sealed class AddressBooks : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "address_books",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                NormalizedName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_address_books", x => x.Id);
                table.ForeignKey(
                    name: "FK_address_books_organisations_OrganisationId",
                    column: x => x.OrganisationId,
                    principalTable: "organisations",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "contacts",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                AddressBookId = table.Column<Guid>(type: "TEXT", nullable: false),
                Mobile = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                Network = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                FirstName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                LastName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                CustomFields = table.Column<string>(type: "TEXT", nullable: true),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_contacts", x => x.Id);
                table.ForeignKey(
                    name: "FK_contacts_address_books_AddressBookId",
                    column: x => x.AddressBookId,
                    principalTable: "address_books",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_address_books_OrganisationId_NormalizedName",
            table: "address_books",
            columns: ["OrganisationId", "NormalizedName"],
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_contacts_AddressBookId_LastName_FirstName",
            table: "contacts",
            columns: ["AddressBookId", "LastName", "FirstName"]);

        migrationBuilder.CreateIndex(
            name: "IX_contacts_AddressBookId_Mobile",
            table: "contacts",
            columns: ["AddressBookId", "Mobile"],
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_contacts_AddressBookId_Status_Mobile_Network",
            table: "contacts",
            columns: ["AddressBookId", "Status", "Mobile", "Network"]);

        migrationBuilder.CreateIndex(
            name: "IX_contacts_OrganisationId_Status_Mobile",
            table: "contacts",
            columns: ["OrganisationId", "Status", "Mobile"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "contacts");
        migrationBuilder.DropTable(name: "address_books");
    }
}
