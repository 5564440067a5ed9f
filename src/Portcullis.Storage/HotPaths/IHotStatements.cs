using System.Data.Common;

namespace Portcullis.Storage.HotPaths;

/// <summary>How a provider runs a hot statement on its own, outside EF Core (SQLite: prepared statements; PostgreSQL: raw Npgsql).</summary>
internal interface IHotStatements
{
    /// <summary>The first row of <paramref name="sql"/> mapped by <paramref name="map"/>, or null when there is none.</summary>
    Task<T?> ReadRowAsync<T>(string sql, Func<HotRows, DbDataReader, T> map, object?[] values, CancellationToken ct)
        where T : class;

    /// <summary>Runs one write, committed when the task completes; the number of rows it changed.</summary>
    Task<int> ExecuteAsync(string sql, object?[] values, CancellationToken ct);

    /// <summary>Runs one write that returns a value (<c>RETURNING</c>), committed when the task completes; that value.</summary>
    Task<object?> ExecuteScalarAsync(string sql, object?[] values, CancellationToken ct);
}
