using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Portcullis.Storage.Tests;

/// <summary>
/// Every connection EF Core opens has the configured synchronous mode and the busy timeout, also when the native connection
/// comes back from Microsoft.Data.Sqlite's pool (the pragmas run once per native connection, not on every open).
/// </summary>
public sealed class SqlitePragmasTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("portcullis-pragmas-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SqliteSynchronous.Normal, 1)]
    [InlineData(SqliteSynchronous.Full, 2)]
    public async Task EveryOpen_HasTheConfiguredPragmas(SqliteSynchronous synchronous, long expected)
    {
        var storage = new StorageOptions
        {
            Provider = StorageProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(_directory.FullName, synchronous + ".db")}",
            SqliteSynchronous = synchronous,
        };
        var options = (DbContextOptions<PortcullisDbContext>)StorageServiceCollectionExtensions
            .Configure(new DbContextOptionsBuilder<PortcullisDbContext>(), storage).Options;

        for (var open = 0; open < 3; open++)
        {
            await using var db = new PortcullisDbContext(options);
            await db.Database.OpenConnectionAsync(Ct);
            Assert.Equal(expected, await PragmaAsync(db, "synchronous"));
            Assert.Equal(30000L, await PragmaAsync(db, "busy_timeout"));
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> PragmaAsync(PortcullisDbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
