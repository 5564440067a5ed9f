using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Portcullis.Testing;

namespace Portcullis.Storage.Tests;

/// <summary>
/// Upgrading to keyed lockout counters drops the password counters keyed the old way (an unkeyed hash of what was typed,
/// which the idle purge would never remove), and keeps the MFA counters.
/// </summary>
public sealed class PasswordCounterUpgradeTests(PostgreSqlServer server)
{
    private const string Before = "AttemptCounterLastFailure";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_UpgradeDropsOldPasswordCounters_KeepsMfaCounters()
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-upgrade-");
        try
        {
            await AssertUpgradeAsync(new StorageOptions
            {
                Provider = StorageProvider.Sqlite,
                ConnectionString = $"Data Source={Path.Combine(directory.FullName, "p.db")}",
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PostgreSql_UpgradeDropsOldPasswordCounters_KeepsMfaCounters()
    {
        var database = await server.CreateDatabaseAsync(Ct);
        try
        {
            await AssertUpgradeAsync(new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = database });
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await server.DropDatabaseAsync(database);
        }
    }

    private static async Task AssertUpgradeAsync(StorageOptions storage)
    {
        var options = (DbContextOptions<PortcullisDbContext>)StorageServiceCollectionExtensions
            .Configure(new DbContextOptionsBuilder<PortcullisDbContext>(), storage).Options;
        await using var db = new PortcullisDbContext(options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(Migration(db, Before), Ct);
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO mfa_attempt_counters ("UserId", "Scope", "Failures", "Lockouts") VALUES ('old-unkeyed-hash', 'PASSWORD', 3, 0);
            INSERT INTO mfa_attempt_counters ("UserId", "Scope", "Failures", "Lockouts") VALUES ('user-1', 'OTP', 2, 0);
            """, Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var left = await db.AttemptCounters.AsNoTracking().Select(c => c.UserId + "/" + c.Scope).ToListAsync(Ct);
        Assert.Equal(["user-1/OTP"], left);
    }

    private static string Migration(PortcullisDbContext db, string name) =>
        db.Database.GetMigrations().Single(m => m.EndsWith("_" + name, StringComparison.Ordinal));
}
