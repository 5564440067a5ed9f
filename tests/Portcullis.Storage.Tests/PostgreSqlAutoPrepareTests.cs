using Npgsql;
using Portcullis.Testing;

namespace Portcullis.Storage.Tests;

/// <summary>Npgsql's automatic preparation is on for PostgreSQL unless the operator's connection string says otherwise.</summary>
public sealed class PostgreSqlAutoPrepareTests(PostgreSqlServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Host=db;Database=p", "Host=db;Database=p;Max Auto Prepare=64")]
    [InlineData("Host=db;Database=p;", "Host=db;Database=p;Max Auto Prepare=64")]
    [InlineData("Host=db;Max Auto Prepare=0", "Host=db;Max Auto Prepare=0")]
    [InlineData("Host=db;maxautoprepare=5", "Host=db;maxautoprepare=5")]
    [InlineData("", "")]
    public void EffectiveConnectionString_AddsAutoPrepare_UnlessSet(string configured, string effective)
    {
        var options = new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = configured };

        Assert.Equal(effective, options.EffectiveConnectionString);
    }

    [Fact]
    public void EffectiveConnectionString_LeavesSqliteAlone()
    {
        var options = new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = "Data Source=x.db" };

        Assert.Equal("Data Source=x.db", options.EffectiveConnectionString);
    }

    [Fact]
    public async Task AStatementRunRepeatedly_IsPreparedOnTheServer()
    {
        var configured = await server.CreateDatabaseAsync(Ct);
        try
        {
            var effective = new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = configured }.EffectiveConnectionString;
            await using var connection = new NpgsqlConnection(effective);
            await connection.OpenAsync(Ct);
            for (var i = 0; i < 10; i++)
            {
                await using var repeated = new NpgsqlCommand("SELECT @n + 1", connection) { Parameters = { new("n", i) } };
                await repeated.ExecuteScalarAsync(Ct);
            }

            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1 + 1%'", connection);
            Assert.Equal(1L, await count.ExecuteScalarAsync(Ct));
        }
        finally
        {
            await server.DropDatabaseAsync(configured);
        }
    }
}
