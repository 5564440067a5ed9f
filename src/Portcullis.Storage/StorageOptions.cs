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
        StorageProvider.PostgreSql => ConnectionString ?? "",
    };
}
