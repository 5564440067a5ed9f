using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Core.Factors.Otp;
using Portcullis.Storage;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// A backup taken from a running server, restored into a new database, serves what it held: tokens issued before the backup
/// still work (the signing keys are in it), refresh tokens refresh, passwords sign in, and the bound TOTP factor answers the
/// second factor. The key-encryption certificate is not in the backup: the restored server is given the one kept apart.
/// SQLite through <c>portcullis backup</c>'s code (VACUUM INTO), PostgreSQL through pg_dump and pg_restore.
/// </summary>
public sealed class BackupRestoreTests(PostgreSqlServer postgres)
{
    private const string AppId = "backup-test-app";
    private const string AppSecret = "backup-test-secret-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_ABackupOfARunningServer_Restored_ServesItsTokensPasswordsAndFactors()
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-backup-");
        try
        {
            var database = Path.Combine(folder.FullName, "portcullis.db");
            var backup = Path.Combine(folder.FullName, "backups", "portcullis-backup.db");
            var before = await UseAndBackUpAsync(Sqlite(database), async node =>
            {
                await using var scope = node.Services.CreateAsyncScope();
                Assert.Null(await scope.ServiceProvider.GetRequiredService<DatabaseBackup>().WriteAsync(backup, Ct));
            });

            // Restore: the server stopped, its files replaced by the backup.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(folder.FullName, "portcullis.db*"))
            {
                File.Delete(file);
            }

            File.Copy(backup, database);
            await AssertRestoredAsync(Sqlite(database), before);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PostgreSql_APgDumpOfARunningServer_Restored_ServesItsTokensPasswordsAndFactors()
    {
        var original = await postgres.CreateDatabaseAsync(Ct);
        var restored = await postgres.CreateDatabaseAsync(Ct);
        var dump = Path.Combine(Directory.CreateTempSubdirectory("portcullis-backup-").FullName, "portcullis.dump");
        try
        {
            var before = await UseAndBackUpAsync(PostgreSql(original), _ => postgres.DumpAsync(original, dump));
            await postgres.RestoreAsync(dump, restored);
            await AssertRestoredAsync(PostgreSql(restored), before);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await postgres.DropDatabaseAsync(original);
            await postgres.DropDatabaseAsync(restored);
            Directory.Delete(Path.GetDirectoryName(dump)!, recursive: true);
        }
    }

    /// <summary>
    /// What two users had before the backup: one the tokens of a sign-in; the other a bound TOTP factor (a session from before
    /// a factor was bound may not refresh, so the two are kept apart).
    /// </summary>
    private sealed record Held(string AccessToken, string RefreshToken, string EmailWithFactor, byte[] Seed);

    private static async Task<Held> UseAndBackUpAsync(KeyValuePair<string, string?>[] storage, Func<Node, Task> backUp)
    {
        await using var node = new Node(storage);
        await node.InitializeAsync();
        using var client = node.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost);
        var tokens = await SignUpAndSignInAsync(client);
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var (seed, _) = await EnrollOtpAsync(client, node);

        await backUp(node);
        return new Held(tokens.AccessToken!, tokens.RefreshToken!, email, seed);
    }

    private static async Task AssertRestoredAsync(KeyValuePair<string, string?>[] storage, Held before)
    {
        await using var node = new Node(storage);
        await node.InitializeAsync();
        using var client = node.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost);

        await AssertAccessTokenAcceptedAsync(client, before.AccessToken);
        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(before.RefreshToken, Ct);
        Assert.False(string.IsNullOrEmpty(refreshed.AccessToken));
        var challenge = (await client.SignInByEmailPasswordAsync(before.EmailWithFactor, Password, ct: Ct)).MfaChallenge;
        Assert.NotNull(challenge);
        node.Clock.Advance(TimeSpan.FromMinutes(1)); // past the TOTP step the binding used
        var completed = await client.VerifyTotpMfaAsync(challenge.MfaToken, TotpVerifier.Compute(before.Seed, node.Clock.GetUtcNow()), Ct);
        AssertOk(completed);
    }

    private static KeyValuePair<string, string?>[] Sqlite(string file) => [new("Portcullis:Storage:ConnectionString", $"Data Source={file}")];

    private static KeyValuePair<string, string?>[] PostgreSql(string connectionString) =>
        [new("Portcullis:Storage:Provider", "PostgreSql"), new("Portcullis:Storage:ConnectionString", connectionString)];

    /// <summary>A server on the given database, always with the same public address, application and key-encryption certificate.</summary>
    private sealed class Node(KeyValuePair<string, string?>[] storage) : TestServer
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [
            .. storage,
            new("Portcullis:PublicUrl", "https://portcullis.test"),
            new("Portcullis:Bootstrap:AppId", AppId),
            new("Portcullis:Bootstrap:AppSecret", AppSecret),
        ];
    }
}
