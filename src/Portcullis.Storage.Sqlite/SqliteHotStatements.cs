using System.Data.Common;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.Sqlite;

/// <summary>Hot reads on the read pool's prepared statements; hot writes through the batching writer.</summary>
internal sealed class SqliteHotStatements(SqliteReadPool reads, SqliteWriter writer) : IHotStatements
{
    public Task<T?> ReadRowAsync<T>(string sql, Func<HotRows, DbDataReader, T> map, object?[] values, CancellationToken ct)
        where T : class =>
        Task.FromResult(reads.Read(db =>
        {
            using var reader = db.Command(sql, values).ExecuteReader();
            return reader.Read() ? map(SqliteRows.Instance, reader) : null;
        }));

    public Task<int> ExecuteAsync(string sql, object?[] values, CancellationToken ct) => writer.RunAsync(db => db.Execute(sql, values), ct);

    public Task<object?> ExecuteScalarAsync(string sql, object?[] values, CancellationToken ct) =>
        writer.RunAsync(db => db.Command(sql, values).ExecuteScalar(), ct);
}
