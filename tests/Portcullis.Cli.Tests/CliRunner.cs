using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portcullis.Storage;
using System.Text.Json;

namespace Portcullis.Cli.Tests;

/// <summary>What one CLI invocation left behind.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public const string Password = "correct horse battery";

    /// <summary>Asserts success and parses stdout as JSON; on failure the message carries both streams.</summary>
    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"expected exit code 0\n{this}");
        using var document = JsonDocument.Parse(Stdout);
        return document.RootElement.Clone();
    }

    public void AssertFailed(string expectedError)
    {
        Assert.True(ExitCode == 1, $"expected exit code 1\n{this}");
        Assert.True(Stdout.Length == 0, $"stdout must stay empty on failure\n{this}");
        Assert.Contains(expectedError, Stderr, StringComparison.Ordinal);
    }

    public override string ToString() => $"exit code: {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs the CLI in-process against a fresh SQLite file of its own, which the first command migrates.</summary>
public sealed class CliRunner : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portcullis-cli-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A nested path that does not exist yet: the CLI must create the folder and the schema.</summary>
    public string DatabasePath => Path.Combine(_directory, "nested", "portcullis.db");

    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync("", args);

    public Task<CliResult> RunWithInputAsync(string stdin, params string[] args) => RunOnAsync(DatabasePath, stdin, args);

    /// <summary>Runs against another SQLite file than <see cref="DatabasePath"/> (a backup, say).</summary>
    public async Task<CliResult> RunOnAsync(string databasePath, string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin);
        // Explicit storage options beat any Portcullis__Storage__* variables the machine may have set.
        string[] all = [.. args, "--storage-provider", "Sqlite", "--connection-string", $"Data Source={databasePath};Pooling=False"];
        var exitCode = await CliApp.RunAsync(all, output, error, input, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public async Task<JsonElement> CreateAppAsync(params string[] extra) => (await RunAsync(["apps", "create", "--name", "Test app", "--json", .. extra])).Json();

    /// <summary>Undoes the last migration: the database as the previous version left it.</summary>
    public async Task RollBackLastMigrationAsync()
    {
        var options = (DbContextOptions<PortcullisDbContext>)StorageServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<PortcullisDbContext>(),
            new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = $"Data Source={DatabasePath};Pooling=False" }).Options;
        await using var db = new PortcullisDbContext(options);
        var migrations = db.Database.GetMigrations().ToList();
        await db.GetService<IMigrator>().MigrateAsync(migrations[^2], TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
