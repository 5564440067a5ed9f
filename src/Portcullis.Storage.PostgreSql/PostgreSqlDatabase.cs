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
