using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Portcullis.Storage.Tests;

/// <summary>
/// Storage settings that cannot be honoured stop the start with a message naming the setting, and every setting is validated
/// before the database is touched: a refused start leaves no database behind.
/// </summary>
public sealed class StorageSettingsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portcullis-storage-settings-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_folder.FullName, "data", "p.db");

    [Theory]
    [InlineData("PostgreSql", null, "Portcullis:Storage:ConnectionString is required when Portcullis:Storage:Provider is PostgreSql.")]
    [InlineData("Sqlite", "Data Source=", "Portcullis:Storage:ConnectionString names no database")]
    [InlineData("Sqlite", "Host=db;Database=portcullis", "Portcullis:Storage:ConnectionString is not a valid connection string.")]
    [InlineData("Sqlite", "Data Source", "Portcullis:Storage:ConnectionString is not a valid connection string.")]
    public async Task StorageSetting_TheStoresCannotHonour_RefusesToStart(string provider, string? connectionString, string expected)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new()
        {
            ["Portcullis:Storage:Provider"] = provider,
            ["Portcullis:Storage:ConnectionString"] = connectionString,
        }));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Oracle")]
    [InlineData("7")]
    public void AProviderNoProjectImplements_IsRefusedWhenStorageIsAdded(string provider)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portcullis:Storage:Provider"] = provider }).Build();

        var refused = Assert.Throws<OptionsValidationException>(() => { new ServiceCollection().AddPortcullisStorage(configuration); });

        Assert.Equal(StorageOptions.UnknownProvider, Assert.Single(refused.Failures));
    }

    [Fact]
    public async Task AnotherSettingRefused_LeavesTheDatabaseUntouched()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(
            new() { ["Portcullis:Storage:ConnectionString"] = $"Data Source={DatabasePath}" },
            services => services.AddOptions<UnrelatedOptions>().Validate(_ => false, "an unrelated setting is refused").ValidateOnStart()));

        Assert.Contains("an unrelated setting is refused", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(DatabasePath)), "no database (nor its folder) before the settings are valid");
    }

    [Fact]
    public async Task ValidSettings_MigrateTheDatabase()
    {
        await using var host = await StartAsync(new() { ["Portcullis:Storage:ConnectionString"] = $"Data Source={DatabasePath}" });

        Assert.True(File.Exists(DatabasePath));
    }

    private static Task<StorageHost> StartAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null) =>
        StorageHost.StartAsync(settings, new FakeTimeProvider(), Ct, configure);

    private sealed class UnrelatedOptions;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
