using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portcullis.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class RevocationCursor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RevokedAt",
                table: "revoked_access_tokens",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(9999, 12, 31, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

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
