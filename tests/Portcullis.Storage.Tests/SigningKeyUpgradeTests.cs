using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Portcullis.Core.Tokens;
using Portcullis.Testing;

namespace Portcullis.Storage.Tests;

/// <summary>
/// Upgrading from keys with a status to keys with times: the current key still signs, the previous one is still published
/// for the tokens it signed, a retired one stays retired.
/// </summary>
public sealed class SigningKeyUpgradeTests(PostgreSqlServer server)
{
    private const string Before = "MfaSignIn";
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Rotated = Created.AddDays(30);
    private static readonly TimeSpan Keep = TimeSpan.FromHours(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_UpgradeKeepsWhatEachKeyDid()
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-upgrade-");
        try
        {
            await AssertUpgradeAsync(new StorageOptions
            {
                Provider = StorageProvider.Sqlite,
                ConnectionString = $"Data Source={Path.Combine(directory.FullName, "p.db")}",
            }, t => t.UtcTicks);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PostgreSql_UpgradeKeepsWhatEachKeyDid()
    {
        var database = await server.CreateDatabaseAsync(Ct);
        try
        {
            await AssertUpgradeAsync(new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = database }, t => t);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await server.DropDatabaseAsync(database);
        }
    }

    private static async Task AssertUpgradeAsync(StorageOptions storage, Func<DateTimeOffset, object> stored)
    {
        var options = (DbContextOptions<PortcullisDbContext>)StorageServiceCollectionExtensions
            .Configure(new DbContextOptionsBuilder<PortcullisDbContext>(), storage).Options;
        await using var db = new PortcullisDbContext(options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(Migration(db, Before), Ct);
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO signing_keys ("Kid", "ProtectedPrivateKey", "Status", "CreatedAt", "RotatedAt") VALUES
              ('retired', 'p', 'Retired', {0}, {0}), ('previous', 'p', 'Previous', {0}, {1}), ('current', 'p', 'Current', {1}, NULL);
            """, [stored(Created), stored(Rotated)], Ct);

        await migrator.MigrateAsync(cancellationToken: Ct);

        var keys = await db.SigningKeys.AsNoTracking().ToDictionaryAsync(k => k.Kid, Ct);
        var justAfter = Rotated.AddMinutes(1);
        Assert.Equal(SigningKeyPhase.Current, keys["current"].PhaseAt(justAfter, Keep));
        Assert.Equal(Rotated, keys["current"].ActivatesAt);
        Assert.Equal(SigningKeyPhase.Previous, keys["previous"].PhaseAt(justAfter, Keep));
        Assert.Equal(SigningKeyPhase.Retired, keys["retired"].PhaseAt(justAfter, Keep));
    }

    private static string Migration(PortcullisDbContext db, string name) =>
        db.Database.GetMigrations().Single(m => m.EndsWith("_" + name, StringComparison.Ordinal));
}
