using System.Data;
using Npgsql;
using Portcullis.Core.Audit;
using Portcullis.Core.Factors.Limits;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.PostgreSql;

/// <summary>
/// Code checks on PostgreSQL: one pooled connection and one transaction per check, in raw Npgsql rather than EF Core. Checks
/// on one counter are serialised by the row lock the reservation takes, held until the commit, on every node.
/// </summary>
internal sealed class PgCodeCheckStore(PgConnections connections, IClientAddress client) : ICodeCheckStore
{
    public async Task<T> RunAsync<T>(Func<ICodeCheckTransaction, ValueTask<T>> work, CancellationToken ct)
    {
        await using var connection = await connections.Source.OpenConnectionAsync(ct);
        var transaction = new PgCodeCheckTransaction(connection, client.Current, ct);
        try
        {
            var result = await work(transaction);
            await transaction.CommitAsync();
            return result;
        }
        catch
        {
            await transaction.RollBackAsync();
            throw;
        }
    }
}

/// <summary>
/// The check's statements in as few round trips as its outcomes allow: BEGIN goes with the first statement, and a statement
/// whose outcome the check does not need (reset, audit, savepoints) waits to go, in order, with the next one that has an
/// outcome or with the COMMIT. A valid TOTP is three round trips (reservation, step, then audit + reset + COMMIT).
/// </summary>
internal sealed class PgCodeCheckTransaction(NpgsqlConnection connection, string? clientIp, CancellationToken ct) : CodeCheckStatements(clientIp)
{
    private readonly List<NpgsqlBatchCommand> _deferred = [];
    private bool _begun;

    protected override async ValueTask<int> ExecuteAsync(string sql, params object?[] values)
    {
        await using var batch = BatchEndingWith(Command(sql, values));
        await batch.ExecuteNonQueryAsync(ct);
        return batch.BatchCommands[^1].RecordsAffected;
    }

    protected override async ValueTask<CounterRow?> ReadCounterAsync(string sql, params object?[] values)
    {
        // Only the last command returns rows, so the reader starts on its result.
        await using var batch = BatchEndingWith(Command(sql, values));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? PgRows.Instance.Counter(reader) : null;
    }

    protected override void Defer(string sql, params object?[] values) => _deferred.Add(Command(sql, values));

    /// <summary>Sends what waits with the COMMIT: one round trip, none when the check wrote nothing.</summary>
    public async Task CommitAsync()
    {
        if (!_begun && _deferred.Count == 0)
        {
            return;
        }

        await using var batch = BatchEndingWith(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>After a failure: what waits is dropped, what was sent is rolled back.</summary>
    public async Task RollBackAsync()
    {
        _deferred.Clear();
        if (!_begun || connection.FullState != ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection broke: the pool discards it, and PostgreSQL ends its session and the transaction with it.
        }
    }

    private NpgsqlBatch BatchEndingWith(NpgsqlBatchCommand last)
    {
        var batch = new NpgsqlBatch(connection);
        if (!_begun)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            _begun = true;
        }

        foreach (var deferred in _deferred)
        {
            batch.BatchCommands.Add(deferred);
        }

        _deferred.Clear();
        batch.BatchCommands.Add(last);
        return batch;
    }

    private static NpgsqlBatchCommand Command(string sql, object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        PgRows.AddParameters(command.Parameters, values);
        return command;
    }
}
