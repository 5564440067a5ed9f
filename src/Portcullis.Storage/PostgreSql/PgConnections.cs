using Microsoft.Extensions.Options;
using Npgsql;

namespace Portcullis.Storage.PostgreSql;

/// <summary>
/// The connection pool of PostgreSQL's hot paths (raw Npgsql), one per process, closed at shutdown. EF Core keeps a pool of
/// its own on the same connection string (with its automatic preparation, see <see cref="StorageOptions"/>).
/// </summary>
internal sealed class PgConnections(IOptions<StorageOptions> options) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(options.Value.EffectiveConnectionString);

    public ValueTask DisposeAsync() => Source.DisposeAsync();

    public void Dispose() => Source.Dispose();
}
