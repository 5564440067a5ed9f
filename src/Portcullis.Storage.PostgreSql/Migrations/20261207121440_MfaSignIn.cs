using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portcullis.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class MfaSignIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MfaMode",
                table: "user_pools",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Optional"); // Existing pools get the default of new ones.

            migrationBuilder.AddColumn<string>(
                name: "Amr",
                table: "refresh_tokens",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MfaMode",
                table: "applications",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "mfa_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PoolId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AppId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FirstFactor = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FirstFactorRecipient = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    Scope = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ProtectedEnrollmentToken = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mfa_sessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_mfa_sessions_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_mfa_sessions_ExpiresAt",
                table: "mfa_sessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_mfa_sessions_TokenHash",
                table: "mfa_sessions",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mfa_sessions_UserId",
                table: "mfa_sessions",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mfa_sessions");

            migrationBuilder.DropColumn(
                name: "MfaMode",
                table: "user_pools");

            migrationBuilder.DropColumn(
                name: "Amr",
                table: "refresh_tokens");

            migrationBuilder.DropColumn(
                name: "MfaMode",
                table: "applications");
        }
    }
}
