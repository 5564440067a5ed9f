namespace Portcullis.Cli.Tests;

/// <summary>
/// The CLI migrates an empty database, but never a schema that is behind it (running nodes of an older version may use it)
/// unless told to with <c>portcullis migrate</c>.
/// </summary>
public sealed class MigrateCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ACommand_OnASchemaBehindTheCli_IsRefused_UntilMigrate()
    {
        Assert.Equal(0, (await _cli.RunAsync("apps", "list", "--json")).ExitCode); // an empty database: migrated
        await _cli.RollBackLastMigrationAsync();

        (await _cli.RunAsync("apps", "list", "--json")).AssertFailed("portcullis migrate");
        var migrated = await _cli.RunAsync("migrate");

        Assert.Equal(0, migrated.ExitCode);
        Assert.Contains("schema up to date", migrated.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("apps", "list", "--json")).ExitCode);
    }
}
