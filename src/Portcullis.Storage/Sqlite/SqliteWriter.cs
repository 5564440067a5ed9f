using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portcullis.Storage.Sqlite;

/// <summary>
/// SQLite has one writer at a time. Instead of many connections queuing on the file lock (each retry a sleep), the hot write
/// paths hand their work to this single writer, which runs whatever is waiting in one transaction (group commit): one commit
/// for the batch, each piece of work inside its own savepoint so one failure rolls back only that piece. Callers are answered
/// only after the commit, so an acknowledged write is as durable as any other (WAL; see SqlitePragmas for synchronous).
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<WriteWork> _queue = Channel.CreateUnbounded<WriteWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StorageOptions _options;
    private readonly ILogger<SqliteWriter> _logger;
    private readonly Task _loop;
    private PreparedConnection? _connection;

    public SqliteWriter(IOptions<StorageOptions> options, ILogger<SqliteWriter> logger)
    {
        _options = options.Value;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Runs <paramref name="work"/> on the writer connection inside a transaction; completes after the commit.</summary>
    public Task<T> RunAsync<T>(Func<PreparedConnection, T> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var item = new WriteWork<T>(work);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);

        return item.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<WriteWork>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            RunBatch(batch);
            batch.Clear();
        }

        _connection?.Dispose();
    }

    private void RunBatch(List<WriteWork> batch)
    {
        try
        {
            var connection = _connection ??= PreparedConnection.Open(_options);
            connection.Execute("BEGIN IMMEDIATE");
            foreach (var item in batch)
            {
                connection.Execute("SAVEPOINT work");
                try
                {
                    item.Run(connection);
                    connection.Execute("RELEASE work");
                }
                catch (Exception ex)
                {
                    connection.Execute("ROLLBACK TO work");
                    connection.Execute("RELEASE work");
                    item.Fail(ex);
                }
            }

            connection.Execute("COMMIT");
            foreach (var item in batch)
            {
                item.Publish();
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "SQLite write batch of {Count} failed; rolled back", batch.Count);
            Reset();
            foreach (var item in batch)
            {
                item.Fail(ex);
            }
        }
    }

    /// <summary>After a failed batch: roll back what is open and start again on a fresh connection.</summary>
    private void Reset()
    {
        try
        {
            _connection?.Execute("ROLLBACK");
        }
        catch (Exception ex)
        {
            // Also when no transaction was open (BEGIN itself failed): the connection is replaced either way.
            _logger.LogDebug(ex, "Rollback after the failed SQLite write batch");
        }

        _connection?.Dispose();
        _connection = null;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private abstract class WriteWork
    {
        public abstract void Run(PreparedConnection connection);

        public abstract void Fail(Exception ex);

        public abstract void Publish();
    }

    private sealed class WriteWork<T>(Func<PreparedConnection, T> work) : WriteWork
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private bool _failed;

        public Task<T> Task => _done.Task;

        public override void Run(PreparedConnection connection) => _result = work(connection);

        public override void Fail(Exception ex)
        {
            _failed = true;
            _done.TrySetException(ex);
        }

        public override void Publish()
        {
            if (!_failed)
            {
                _done.TrySetResult(_result!);
            }
        }
    }
}
