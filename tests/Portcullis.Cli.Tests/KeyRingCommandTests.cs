using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Storage;

namespace Portcullis.Cli.Tests;

public sealed class KeyRingCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyRingEncrypt_OnAKeyRingStoredBeforeEncryption_EncryptsItsKeys_AndTheirSecretsStayReadable()
    {
        string protectedSecret;
        await using (var before = await StorageAsync(("Portcullis:DataProtection:AllowUnencryptedKeyRing", "true")))
        {
            protectedSecret = Resolve<ISecretProtector>(before).Protect("an application secret");
            Assert.Contains("<masterKey", Assert.Single(await StoredKeysAsync(before)), StringComparison.Ordinal);
        }

        var encrypted = (await _cli.RunAsync("keyring", "encrypt", "--json")).Json();
        var again = (await _cli.RunAsync("keyring", "encrypt", "--json")).Json();

        Assert.Equal(1, encrypted.GetProperty("rewritten").GetInt32());
        Assert.Equal(1, encrypted.GetProperty("total").GetInt32());
        Assert.Equal(0, again.GetProperty("rewritten").GetInt32());
        await using var after = await StorageAsync();
        var stored = Assert.Single(await StoredKeysAsync(after));
        Assert.DoesNotContain("<masterKey", stored, StringComparison.Ordinal);
        Assert.Contains("encryptedSecret", stored, StringComparison.Ordinal);
        Assert.Equal("an application secret", Resolve<ISecretProtector>(after).Unprotect(protectedSecret));
    }

    [Fact]
    public async Task AnyCommand_OnACopyOfTheDatabaseWithoutItsCertificate_FailsSayingWhichCertificateItNeeds()
    {
        await _cli.CreateAppAsync();
        File.Delete(Path.Combine(Path.GetDirectoryName(_cli.DatabasePath)!, Storage.KeyRing.KeyEncryptionCertificates.GeneratedFileName));

        var result = await _cli.RunAsync("apps", "list");

        result.AssertFailed("cannot be decrypted");
        Assert.Contains("Portcullis:DataProtection:Certificate", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The storage layer the server and the CLI use, on the CLI's database, with extra key-ring settings.</summary>
    private async Task<ServiceProvider> StorageAsync(params (string Key, string? Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Portcullis:Storage:Provider"] = "Sqlite",
            ["Portcullis:Storage:ConnectionString"] = $"Data Source={_cli.DatabasePath};Pooling=False",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System)
            .AddPortcullisStorage(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync(Ct);
        return services;
    }

    private static T Resolve<T>(IServiceProvider services)
        where T : notnull => services.GetRequiredService<T>();

    private static async Task<List<string>> StoredKeysAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortcullisDbContext>().DataProtectionKeys.Select(k => k.Xml!).ToListAsync(Ct);
    }
}
