using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalkNTalk.Core.Data.Migrations
{
    /// <summary>
    /// The first migration of EF's own tooling. The hand-written migrations before it already build this schema, so it
    /// changes nothing: it brings the model snapshot, against which every later migration is generated
    /// (<c>dotnet ef migrations add</c>) and model drift is caught (<c>dotnet ef migrations has-pending-model-changes</c>).
    /// </summary>
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
