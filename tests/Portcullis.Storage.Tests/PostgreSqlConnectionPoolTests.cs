using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Portcullis.Core.Users;
using Portcullis.Testing;

namespace Portcullis.Storage.Tests;

/// <summary>
/// EF Core and the raw Npgsql hot paths draw from one connection pool per node, so a node never opens more connections than
/// its connection string's Maximum Pool Size (two pools would allow twice as many).
/// </summary>
public sealed class PostgreSqlConnectionPoolTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EfCoreAndTheHotPaths_ShareOnePool()
    {
        var database = await server.CreateDatabaseAsync(Ct);
        try
        {
            await using var host = await StorageHost.StartAsync(
                StorageProvider.PostgreSql, database + ";Maximum Pool Size=2;Timeout=1", new FakeTimeProvider(), Ct);

            // Both connections the pool allows, held by EF Core contexts.
            await using var first = host.Services.CreateAsyncScope();
            await using var second = host.Services.CreateAsyncScope();
            foreach (var scope in new[] { first, second })
            {
                await scope.ServiceProvider.GetRequiredService<PortcullisDbContext>().Database.OpenConnectionAsync(Ct);
            }

            // A hot-path read (raw Npgsql) now waits for the same pool and gives up after its timeout.
            var exhausted = await Assert.ThrowsAnyAsync<NpgsqlException>(() =>
                host.UseAsync<IUserStore, User?>(users => users.FindByIdAsync("pool", "user", Ct)));
            Assert.Contains("pool", exhausted.Message, StringComparison.OrdinalIgnoreCase);

            await first.ServiceProvider.GetRequiredService<PortcullisDbContext>().Database.CloseConnectionAsync();
            Assert.Null(await host.UseAsync<IUserStore, User?>(users => users.FindByIdAsync("pool", "user", Ct)));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await server.DropDatabaseAsync(database);
        }
    }
}
