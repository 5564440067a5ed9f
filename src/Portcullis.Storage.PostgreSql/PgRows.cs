using System.Data.Common;
using Npgsql;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.PostgreSql;

/// <summary>Instants are timestamptz, read back with offset zero, as Npgsql's EF Core provider reads them.</summary>
internal sealed class PgRows : HotRows
{
    public static readonly PgRows Instance = new();

    /// <summary>
    /// A parameter value as PostgreSQL takes it: instants in UTC (Npgsql writes timestamptz only from offset zero), null as an
    /// untyped NULL whose type PostgreSQL takes from where it is used.
    /// </summary>
    public static object Value(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset instant => instant.ToUniversalTime(),
        _ => value,
    };

    /// <summary>A positional parameter (HotSql's <c>$1</c>, <c>$2</c>, …).</summary>
    public static NpgsqlParameter Parameter(object? value) => new() { Value = Value(value) };

    public static void AddParameters(NpgsqlParameterCollection parameters, object?[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(Parameter(value));
        }
    }

    protected override DateTimeOffset? Instant(DbDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : r.GetFieldValue<DateTimeOffset>(ordinal);
}
