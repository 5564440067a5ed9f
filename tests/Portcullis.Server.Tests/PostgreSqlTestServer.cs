using Portcullis.Testing;

namespace Portcullis.Server.Tests;

/// <summary>
/// A server on a database of its own on the assembly's throwaway PostgreSQL cluster, dropped with the server. Without
/// PostgreSQL each test that calls <see cref="RequireAvailable"/> skips locally and fails under
/// PORTCULLIS_REQUIRE_SERVICES=1, rather than the fixture breaking.
/// </summary>
public class PostgreSqlTestServer(PostgreSqlServer postgres) : TestServer
{
    private string? _connectionString;
    private Exception? _unavailable;

    public override async ValueTask InitializeAsync()
    {
        try
        {
            _connectionString = await postgres.CreateDatabaseAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is Xunit.Sdk.SkipException or Xunit.Sdk.FailException)
        {
            _unavailable = ex;
            return;
        }

        await base.InitializeAsync();
    }

    public override void RequireAvailable()
    {
        if (_unavailable is not null)
        {
            ServiceRequirement.SkipOrFail("PostgreSQL is not available: " + _unavailable.Message);
        }
    }

    /// <summary>What the server runs with besides its database.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected sealed override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        .. Settings(),
        new("Portcullis:Storage:Provider", "PostgreSql"),
        new("Portcullis:Storage:ConnectionString", _connectionString),
    ];

    public override async ValueTask DisposeAsync()
    {
        if (_unavailable is null)
        {
            await base.DisposeAsync();
            await postgres.DropDatabaseAsync(_connectionString!);
        }

        GC.SuppressFinalize(this);
    }
}
