using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portcullis.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RevocationCursor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "revoked_access_tokens",
                type: "INTEGER",
                nullable: false,
                defaultValue: 3155378112000000000L);

            migrationBuilder.CreateIndex(
                name: "IX_revoked_access_tokens_RevokedAt_Jti",
                table: "revoked_access_tokens",
                columns: new[] { "RevokedAt", "Jti" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_revoked_access_tokens_RevokedAt_Jti",
                table: "revoked_access_tokens");

            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "revoked_access_tokens");
        }
    }
}
