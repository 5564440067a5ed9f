using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portcullis.Storage.Sqlite;

/// <summary>
/// SQLite has one writer at a time. Instead of many connections queuing on the file lock (each retry a sleep), the hot write
/// paths hand their work to this single writer, which runs whatever is waiting in one transaction (group commit): one commit
/// for the batch. If a piece of work throws, the batch is rolled back and each piece re-run in a transaction of its own, so one
/// failure fails only its own caller. Callers are answered
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
            var failed = batch.FindIndex(item => !item.TryRun(connection));
            if (failed >= 0)
            {
                // Rare (a bug or a constraint): undo the batch and give every piece a transaction of its own, so one failure
                // fails only its own caller. The work is re-run from the start; nothing of the first run was committed.
                connection.Execute("ROLLBACK");
                foreach (var item in batch)
                {
                    RunAlone(connection, item);
                }

                return;
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

    private static void RunAlone(PreparedConnection connection, WriteWork item)
    {
        connection.Execute("BEGIN IMMEDIATE");
        if (item.TryRun(connection))
        {
            connection.Execute("COMMIT");
            item.Publish();
        }
        else
        {
            connection.Execute("ROLLBACK");
            item.PublishFailure();
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
        /// <summary>Runs the work; false when it threw (the exception is kept for <see cref="PublishFailure"/>).</summary>
        public abstract bool TryRun(PreparedConnection connection);

        public abstract void Fail(Exception ex);

        public abstract void Publish();

        public abstract void PublishFailure();
    }

    private sealed class WriteWork<T>(Func<PreparedConnection, T> work) : WriteWork
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _done.Task;

        public override bool TryRun(PreparedConnection connection)
        {
            try
            {
                _result = work(connection);
                _error = null;
                return true;
            }
            catch (Exception ex)
            {
                _error = ex;
                return false;
            }
        }

        public override void Fail(Exception ex) => _done.TrySetException(ex);

        public override void Publish() => _done.TrySetResult(_result!);

        public override void PublishFailure() => _done.TrySetException(_error ?? new InvalidOperationException("The write failed."));
    }
}
