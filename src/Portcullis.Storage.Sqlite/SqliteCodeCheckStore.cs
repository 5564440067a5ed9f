using Portcullis.Core.Audit;
using Portcullis.Core.Factors.Limits;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.Sqlite;

/// <summary>Code checks on SQLite: the whole check is one piece of work for the <see cref="SqliteWriter"/>.</summary>
internal sealed class SqliteCodeCheckStore(SqliteWriter writer, IClientAddress client) : ICodeCheckStore
{
    public Task<T> RunAsync<T>(Func<ICodeCheckTransaction, ValueTask<T>> work, CancellationToken ct)
    {
        // Read here: the writer's thread does not see the request.
        var clientIp = client.Current;
        return writer.RunAsync(connection =>
        {
            var pending = work(new SqliteCodeCheckTransaction(connection, clientIp));
            // The writer runs one piece of work at a time on its own thread: the work must not wait for anything else.
            return pending.IsCompleted ? pending.Result : throw new InvalidOperationException("A code check yielded inside its transaction.");
        }, ct);
    }
}

/// <summary>The code check's statements run at once, on the writer's prepared statements: every method completes synchronously.</summary>
internal sealed class SqliteCodeCheckTransaction(PreparedConnection db, string? clientIp) : CodeCheckStatements(clientIp)
{
    protected override ValueTask<int> ExecuteAsync(string sql, params object?[] values) => ValueTask.FromResult(db.Execute(sql, values));

    protected override ValueTask<CounterRow?> ReadCounterAsync(string sql, params object?[] values)
    {
        using var reader = db.Command(sql, values).ExecuteReader();
        return ValueTask.FromResult(reader.Read() ? SqliteRows.Instance.Counter(reader) : (CounterRow?)null);
    }

    protected override void Defer(string sql, params object?[] values) => db.Execute(sql, values);
}
