using Microsoft.Data.Sqlite;

namespace Portcullis.Storage.Sqlite;

/// <summary>
/// A long-lived SQLite connection with its statements prepared once and reused: the hot paths skip EF Core's query pipeline
/// and the open/close and prepare of every call, which were most of a request's CPU (bench/results).
/// Not thread-safe: one user at a time (<see cref="SqliteReadPool"/> lends it, <see cref="SqliteWriter"/> owns one).
/// </summary>
internal sealed class PreparedConnection : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    private PreparedConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    public static PreparedConnection Open(StorageOptions options)
    {
        var connection = new SqliteConnection(options.EffectiveConnectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = SqlitePragmas.Sql(options.SqliteSynchronous);
            pragmas.ExecuteNonQuery();
            return new PreparedConnection(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The prepared command for <paramref name="sql"/> with its parameters (<c>$1</c>, <c>$2</c>, …, as in HotSql) set to
    /// <paramref name="values"/>, instants as UTC ticks.
    /// </summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<object?> values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter("$" + (i + 1), null));
            }

            command.Prepare();
            _commands[sql] = command;
        }

        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = SqliteRows.Value(values[i]);
        }

        return command;
    }

    public int Execute(string sql, params ReadOnlySpan<object?> values) => Command(sql, values).ExecuteNonQuery();

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        Connection.Dispose();
    }
}
