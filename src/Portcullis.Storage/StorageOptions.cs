using System.Data.Common;

namespace Portcullis.Storage;

public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary><c>Portcullis:Storage</c>: which database, and where.</summary>
public sealed class StorageOptions
{
    public const string Section = "Portcullis:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>For SQLite defaults to <c>Data Source=data/portcullis.db</c>; required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite only: <c>Normal</c> (default; durable across process crashes) or <c>Full</c> (also across power loss).</summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Normal;

    public string EffectiveConnectionString => Provider switch
    {
        StorageProvider.Sqlite => string.IsNullOrWhiteSpace(ConnectionString) ? "Data Source=data/portcullis.db" : ConnectionString,
        StorageProvider.PostgreSql => WithAutoPrepare(ConnectionString ?? ""),
    };

    /// <summary>Statements Npgsql prepares server-side once they have run a few times, unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Npgsql's automatic preparation: a statement run often enough is prepared once per physical connection (and kept across
    /// pooled opens), so PostgreSQL skips parsing and planning it on every verify, sign-in and profile read. EF Core's queries
    /// are parameterised, so the set of distinct statements is small and fixed. An operator's own <c>Max Auto Prepare</c>
    /// (0 turns it off) wins.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return connectionString; // start-up validation reports the malformed string
        }

        var set = builder.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
        return set || builder.Count == 0 ? connectionString : $"{connectionString.TrimEnd(' ', ';')};Max Auto Prepare={DefaultMaxAutoPrepare}";
    }
}
