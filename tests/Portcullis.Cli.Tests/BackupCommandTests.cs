namespace Portcullis.Cli.Tests;

public sealed class BackupCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Backup_WritesADatabaseTheCliOpens_NeverOverwrites_AndSaysTheCertificateIsNotInIt()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString();
        // Next to the database, so the certificate generated there decrypts the copy too.
        var backup = Path.Combine(Path.GetDirectoryName(_cli.DatabasePath)!, "backup.db");

        var written = await _cli.RunAsync("backup", backup);

        Assert.Equal(0, written.ExitCode);
        Assert.Contains("does not hold the key-encryption certificate", written.Stdout, StringComparison.Ordinal);
        var listed = (await _cli.RunOnAsync(backup, "", "apps", "list", "--json")).Json();
        Assert.Contains(listed.EnumerateArray(), a => a.GetProperty("appId").GetString() == appId);
        (await _cli.RunAsync("backup", backup)).AssertFailed("exists already");
    }

    [Fact]
    public async Task Backup_OfADatabaseBehindTheCli_IsTaken_AsItIs_BeforeTheUpgrade()
    {
        await _cli.CreateAppAsync();
        await _cli.RollBackLastMigrationAsync();
        var backup = Path.Combine(Path.GetDirectoryName(_cli.DatabasePath)!, "before-upgrade.db");

        Assert.Equal(0, (await _cli.RunAsync("backup", backup)).ExitCode);
        (await _cli.RunAsync("apps", "list")).AssertFailed("portcullis migrate"); // still behind: the backup changed nothing
        (await _cli.RunOnAsync(backup, "", "apps", "list")).AssertFailed("portcullis migrate");
    }

    [Fact]
    public async Task Backup_WhereNoDatabaseIs_IsRefused()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_cli.DatabasePath)!);

        (await _cli.RunAsync("backup", Path.Combine(Path.GetDirectoryName(_cli.DatabasePath)!, "backup.db"))).AssertFailed("No Portcullis database");
    }
}
