using Portcullis.Storage.Tests.Conformance;

namespace Portcullis.Storage.Tests;

/// <summary>
/// The conformance suite on PostgreSQL: one throwaway server for the run (<see cref="PostgreSqlServer"/>), a new database per
/// test. Skipped when PostgreSQL is not installed, failed instead under <c>PORTCULLIS_REQUIRE_SERVICES=1</c>.
/// </summary>
public sealed class PostgreSqlStoreTests(PostgreSqlServer server) : StoreConformanceTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;

    protected override Task<string> CreateDatabaseAsync(CancellationToken ct) => server.CreateDatabaseAsync(ct);

    protected override Task DeleteDatabaseAsync(string connectionString) => server.DropDatabaseAsync(connectionString);
}
