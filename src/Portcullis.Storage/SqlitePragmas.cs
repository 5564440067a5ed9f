using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portcullis.Storage;

/// <summary>
/// Per-connection SQLite settings (they are not stored in the file). <c>synchronous=NORMAL</c> in WAL mode: a commit survives
/// the process being killed — it is in the WAL before the call returns — and only an OS crash or power loss can roll back the
/// last commits; the database is never corrupted (sqlite.org/pragma.html#pragma_synchronous). It saves an fsync per commit,
/// the largest cost of every write. <c>Full</c> restores the fsync for operators who need power-loss durability.
/// </summary>
internal sealed class SqlitePragmas(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    private readonly string _sql = Sql(synchronous);

    /// <summary>The pragmas every connection runs when it opens, EF Core's and the hot paths' own (Sqlite/PreparedConnection).</summary>
    public static string Sql(SqliteSynchronous synchronous) =>
        $"PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public enum SqliteSynchronous
{
    Normal,
    Full,
}
