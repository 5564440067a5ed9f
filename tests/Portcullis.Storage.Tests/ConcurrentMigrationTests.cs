using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Portcullis.Testing;

namespace Portcullis.Storage.Tests;

/// <summary>
/// Several nodes starting together on one empty database: every one migrates it at once and every one starts, with every
/// migration applied.
/// </summary>
public sealed class ConcurrentMigrationTests(PostgreSqlServer server)
{
    private const int Nodes = 6;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NodesStartingTogetherOnAnEmptyPostgreSqlDatabase_AllStart()
    {
        // Several rounds: a race lost once in a while is still a crash at somebody's deployment.
        for (var round = 0; round < 3; round++)
        {
            var database = await server.CreateDatabaseAsync(Ct);
            try
            {
                await AssertAllStartAsync(StorageProvider.PostgreSql, database);
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await server.DropDatabaseAsync(database);
            }
        }
    }

    [Fact]
    public async Task AfterMigrating_NoAdvisoryLockIsLeftHeld()
    {
        var database = await server.CreateDatabaseAsync(Ct);
        try
        {
            // A pool that does not reset sessions keeps a session lock for as long as its connection lives, unless unlocked.
            await using var host = await StorageHost.StartAsync(StorageProvider.PostgreSql, database + ";No Reset On Close=true",
                new FakeTimeProvider(), Ct);

            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync(Ct);
            // Advisory locks belong to a database; other tests migrate other databases of the same server meanwhile.
            await using var held = new NpgsqlCommand(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                connection);
            Assert.Equal(0L, await held.ExecuteScalarAsync(Ct));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await server.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task NodesStartingTogetherOnAnEmptySqliteFile_AllStart()
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-migrate-");
        try
        {
            await AssertAllStartAsync(StorageProvider.Sqlite, $"Data Source={Path.Combine(folder.FullName, "portcullis.db")}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task AssertAllStartAsync(StorageProvider provider, string connectionString)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starts = Enumerable.Range(0, Nodes).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return await StorageHost.StartAsync(provider, connectionString, new FakeTimeProvider(), Ct);
        }, Ct)).ToArray();
        go.SetResult();

        var outcomes = await Task.WhenAll(starts.Select(async start =>
        {
            try
            {
                return (Host: await start, Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (Host: (StorageHost?)null, Error: ex);
            }
        }));
        try
        {
            Assert.All(outcomes, o => Assert.True(o.Error is null, $"A node failed to start: {o.Error}"));
            var (known, applied) = await outcomes[0].Host!.UseAsync<PortcullisDbContext, (string[], string[])>(async db =>
                (db.Database.GetMigrations().ToArray(), (await db.Database.GetAppliedMigrationsAsync(Ct)).ToArray()));
            Assert.Equal(known, applied);
        }
        finally
        {
            foreach (var host in outcomes.Select(o => o.Host).OfType<StorageHost>())
            {
                await host.DisposeAsync();
            }
        }
    }
}
