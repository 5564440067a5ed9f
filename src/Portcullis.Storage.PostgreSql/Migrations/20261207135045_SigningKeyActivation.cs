using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portcullis.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class SigningKeyActivation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ActivatesAt",
                table: "signing_keys",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RetiredAt",
                table: "signing_keys",
                type: "timestamp with time zone",
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
                type: "character varying(16)",
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
