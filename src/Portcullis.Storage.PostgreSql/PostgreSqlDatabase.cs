using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portcullis.Storage.PostgreSql;

/// <summary>
/// PostgreSQL: one database server shared by every node. Contexts built by DI draw from the node's one connection pool
/// (<paramref name="pool"/>), shared with the hot paths: two pools of Maximum Pool Size each would let a node open twice the
/// connections its connection string allows. Without DI (tools, tests) a context opens its own from the connection string.
/// </summary>
internal sealed class PostgreSqlDatabase(StorageOptions storage, Func<NpgsqlDataSource>? pool) : DatabaseProvider
{
    public static readonly string MigrationsAssembly = typeof(PostgreSqlDatabase).Assembly.GetName().Name!;

    public override bool IsShared => true;

    protected override void UseDatabase(DbContextOptionsBuilder options)
    {
        if (pool is null)
        {
            options.UseNpgsql(storage.EffectiveConnectionString, o => o.MigrationsAssembly(MigrationsAssembly));
        }
        else
        {
            options.UseNpgsql(pool(), o => o.MigrationsAssembly(MigrationsAssembly));
        }
    }

    /// <summary>The advisory lock key that serialises migrations: any fixed number, the same on every node.</summary>
    private const long MigrationLockKey = 0x506f7274_63756c6c; // "Portcull"

    /// <summary>
    /// A session-level advisory lock on a connection of its own, held across the whole migration (EF Core's own lock does not
    /// stop two nodes on an empty database from both applying the first migrations).
    /// </summary>
    public override async Task<IAsyncDisposable?> LockForMigrationAsync(CancellationToken ct)
    {
        var connection = pool is null ? new NpgsqlConnection(storage.EffectiveConnectionString) : pool().CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            // No command timeout: a node waits as long as another node's migration takes (its start is bounded by ct).
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = 0 })
            {
                command.Parameters.AddWithValue("key", MigrationLockKey);
                await command.ExecuteNonQueryAsync(ct);
            }

            return new MigrationLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Unlocks explicitly: a pooled connection's session outlives its closing (the pool resets it only when it is next used),
    /// and with it a session-level lock.
    /// </summary>
    private sealed class MigrationLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", MigrationLockKey);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    public override Task<string?> BackupAsync(PortcullisDbContext db, string path, CancellationToken ct) => Task.FromResult<string?>(
        "PostgreSQL is backed up with its own tools: pg_dump --format=custom (restore with pg_restore into an empty database), "
        + "or a base backup with WAL archiving for point-in-time recovery. See docs/running-in-production.md.");

    /// <summary>timestamptz, which Npgsql writes only from offset zero.</summary>
    public override object Instant(DateTimeOffset value) => PgRows.Value(value);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// Under READ COMMITTED nothing else orders two rotations. This lock mode blocks other rotations, not readers. (SQLite's
    /// BEGIN IMMEDIATE already runs them one after the other.)
    /// </summary>
    public override Task SerialiseSigningKeyRotationAsync(PortcullisDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE", ct);
}
