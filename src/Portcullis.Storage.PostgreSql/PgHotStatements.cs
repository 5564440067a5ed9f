using System.Data.Common;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.PostgreSql;

/// <summary>Hot reads and single writes as one raw Npgsql command each, on a pooled connection (auto-prepared after a few uses).</summary>
internal sealed class PgHotStatements(PgConnections connections) : IHotStatements
{
    public async Task<T?> ReadRowAsync<T>(string sql, Func<HotRows, DbDataReader, T> map, object?[] values, CancellationToken ct)
        where T : class
    {
        await using var command = connections.Source.CreateCommand(sql);
        PgRows.AddParameters(command.Parameters, values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? map(PgRows.Instance, reader) : null;
    }

    public async Task<int> ExecuteAsync(string sql, object?[] values, CancellationToken ct)
    {
        await using var command = connections.Source.CreateCommand(sql);
        PgRows.AddParameters(command.Parameters, values);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<object?> ExecuteScalarAsync(string sql, object?[] values, CancellationToken ct)
    {
        await using var command = connections.Source.CreateCommand(sql);
        PgRows.AddParameters(command.Parameters, values);
        return await command.ExecuteScalarAsync(ct);
    }
}
