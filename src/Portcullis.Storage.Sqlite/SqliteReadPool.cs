using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Portcullis.Storage.Sqlite;

/// <summary>
/// Open read connections with prepared statements, lent one request at a time. In WAL mode readers never wait for the
/// writer and see the last commit. Keeps at most a few idle connections; more are opened under a burst and then closed.
/// </summary>
internal sealed class SqliteReadPool(IOptions<StorageOptions> options) : IDisposable
{
    private readonly ConcurrentBag<PreparedConnection> _idle = [];
    private readonly int _maxIdle = Math.Max(4, Environment.ProcessorCount * 4);

    // ConcurrentBag.Count takes every per-thread lock: counted here instead, since it is read on every return.
    private int _idleCount;
    private bool _disposed;

    public T Read<T>(Func<PreparedConnection, T> read)
    {
        PreparedConnection connection;
        if (_idle.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            connection = idle;
        }
        else
        {
            connection = PreparedConnection.Open(options.Value);
        }

        try
        {
            var result = read(connection);
            Return(connection);
            return result;
        }
        catch
        {
            // A connection that failed mid-read may hold an open statement: do not lend it again.
            connection.Dispose();
            throw;
        }
    }

    private void Return(PreparedConnection connection)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > _maxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}
