using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portcullis.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SigningKeyActivation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ActivatesAt",
                table: "signing_keys",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RetiredAt",
                table: "signing_keys",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_signing_keys_RotatedAt",
                table: "signing_keys",
                column: "RotatedAt");

            // What the status said becomes times: a key signed from its creation; one retired by the last rotation stays retired.
            migrationBuilder.Sql("UPDATE signing_keys SET \"ActivatesAt\" = \"CreatedAt\"");
            migrationBuilder.Sql("UPDATE signing_keys SET \"RetiredAt\" = COALESCE(\"RotatedAt\", \"CreatedAt\") WHERE \"Status\" = 'Retired'");

            migrationBuilder.DropIndex(
                name: "IX_signing_keys_Status",
                table: "signing_keys");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "signing_keys");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_signing_keys_RotatedAt",
                table: "signing_keys");

            migrationBuilder.DropColumn(
                name: "ActivatesAt",
                table: "signing_keys");

            migrationBuilder.DropColumn(
                name: "RetiredAt",
                table: "signing_keys");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "signing_keys",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_signing_keys_Status",
                table: "signing_keys",
                column: "Status");
        }
    }
}
