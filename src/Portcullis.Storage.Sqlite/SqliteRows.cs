using System.Data.Common;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.Sqlite;

/// <summary>SQLite has no date type: instants are UTC ticks, as PortcullisDbContext's converter stores them.</summary>
internal sealed class SqliteRows : HotRows
{
    public static readonly SqliteRows Instance = new();

    /// <summary>A parameter value as SQLite stores it: instants as UTC ticks, null as NULL.</summary>
    public static object Value(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset instant => instant.UtcTicks,
        _ => value,
    };

    protected override DateTimeOffset? Instant(DbDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : new DateTimeOffset(r.GetInt64(ordinal), TimeSpan.Zero);
}
