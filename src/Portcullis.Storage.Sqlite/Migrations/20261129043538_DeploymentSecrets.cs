using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portcullis.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DeploymentSecrets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "deployment_secrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProtectedValue = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deployment_secrets", x => x.Name);
                });

            // Password counters until now were keyed by an unkeyed SHA-256 of what was typed (sometimes a password). The keyed
            // hash can never match them again, and the idle purge would never remove them (they have no LastFailureAt): drop them.
            migrationBuilder.Sql("DELETE FROM mfa_attempt_counters WHERE \"Scope\" = 'PASSWORD'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deployment_secrets");
        }
    }
}
