using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Storage;
using Portcullis.Testing;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>A column of a table in which a searched value was found, and in how many rows.</summary>
public sealed record ScanHit(string Table, string Column, string Value, long Rows);

/// <summary>
/// Searches every column of every table the database has (read from its catalogue, not from the EF model, so a table or
/// column added later is searched too) for values, as text and ignoring case.
/// </summary>
public static class DatabaseScan
{
    public static async Task<List<ScanHit>> FindAsync(TestServer server, IReadOnlyCollection<string> values, CancellationToken ct)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        var sqlite = db.Database.ProviderName!.Contains("Sqlite", StringComparison.Ordinal);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var columns = await ColumnsAsync(connection, sqlite, ct);
        Assert.Contains(columns, c => c.Table == "users");

        var hits = new List<ScanHit>();
        foreach (var (table, column) in columns)
        {
            foreach (var value in values)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sqlite
                    ? $"""SELECT COUNT(*) FROM "{table}" WHERE instr(lower(CAST("{column}" AS TEXT)), lower(@v)) > 0"""
                    : $"""SELECT COUNT(*) FROM "{table}" WHERE strpos(lower(CAST("{column}" AS text)), lower(@v)) > 0""";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@v";
                parameter.Value = value;
                command.Parameters.Add(parameter);
                var rows = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
                if (rows > 0)
                {
                    hits.Add(new ScanHit(table, column, value, rows));
                }
            }
        }

        return hits;
    }

    private static async Task<List<(string Table, string Column)>> ColumnsAsync(DbConnection connection, bool sqlite, CancellationToken ct)
    {
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var columns = new List<(string, string)>();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sqlite
                ? $"""SELECT name FROM pragma_table_info('{table}')"""
                : $"""SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'""";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                columns.Add((table, reader.GetString(0)));
            }
        }

        return columns;
    }
}
