using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Portcullis.Storage.Sqlite;

/// <summary>
/// Per-connection SQLite settings (they are not stored in the file). <c>synchronous=NORMAL</c> in WAL mode: a commit survives
/// the process being killed — it is in the WAL before the call returns — and only an OS crash or power loss can roll back the
/// last commits; the database is never corrupted (sqlite.org/pragma.html#pragma_synchronous). It saves an fsync per commit,
/// the largest cost of every write. <c>Full</c> restores the fsync for operators who need power-loss durability.
/// </summary>
internal sealed class SqlitePragmas(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    private readonly string _sql = Sql(synchronous);

    /// <summary>The pragmas every connection runs when it opens, EF Core's and the hot paths' own (PreparedConnection).</summary>
    public static string Sql(SqliteSynchronous synchronous) =>
        $"PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout=30000;";

    /// <summary>
    /// The native connections already set up. Microsoft.Data.Sqlite pools native connections and EF Core opens one for every
    /// query and save, so running the pragmas on every open (a statement to prepare and step) would repeat what persists.
    /// </summary>
    private static readonly ConditionalWeakTable<sqlite3, string> Applied = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsPragmas(connection, _sql))
        {
            using var command = connection.CreateCommand();
            command.CommandText = _sql;
            command.ExecuteNonQuery();
            MarkApplied(connection, _sql);
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsPragmas(connection, _sql))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
            MarkApplied(connection, _sql);
        }
    }

    /// <summary>False when this native connection already ran these pragmas (it keeps them until it is closed).</summary>
    private static bool NeedsPragmas(DbConnection connection, string sql) =>
        connection is not SqliteConnection { Handle: { } handle }
        || !Applied.TryGetValue(handle, out var applied)
        || !string.Equals(applied, sql, StringComparison.Ordinal);

    private static void MarkApplied(DbConnection connection, string sql)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            Applied.AddOrUpdate(handle, sql);
        }
    }
}
