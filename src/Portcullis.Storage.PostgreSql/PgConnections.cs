using Microsoft.Extensions.Options;
using Npgsql;

namespace Portcullis.Storage.PostgreSql;

/// <summary>
/// The node's one PostgreSQL connection pool, closed at shutdown: the hot paths (raw Npgsql) and EF Core both draw from it
/// (<see cref="PostgreSqlDatabase"/>), so a node never opens more than the connection string's Maximum Pool Size.
/// </summary>
internal sealed class PgConnections(IOptions<StorageOptions> options) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(options.Value.EffectiveConnectionString);

    public ValueTask DisposeAsync() => Source.DisposeAsync();

    public void Dispose() => Source.Dispose();
}
