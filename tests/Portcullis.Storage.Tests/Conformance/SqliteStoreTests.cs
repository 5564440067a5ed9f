using Microsoft.Data.Sqlite;
using Portcullis.Storage.Tests.Conformance;

namespace Portcullis.Storage.Tests;

/// <summary>The conformance suite on SQLite: a database file in a temporary folder of its own per test, always run.</summary>
public sealed class SqliteStoreTests : StoreConformanceTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;

    protected override Task<string> CreateDatabaseAsync(CancellationToken ct)
    {
        // A file, not ":memory:": every scope, pooled connection and second node must see the same database, as in production.
        var folder = Directory.CreateTempSubdirectory("portcullis-sqlite-");
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder.FullName, "portcullis.db") };
        return Task.FromResult(builder.ConnectionString);
    }

    protected override Task DeleteDatabaseAsync(string connectionString)
    {
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        var folder = Path.GetDirectoryName(new SqliteConnectionStringBuilder(connectionString).DataSource);
        if (folder is not null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
