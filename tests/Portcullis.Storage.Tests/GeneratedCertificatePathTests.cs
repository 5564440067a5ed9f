using Portcullis.Storage.KeyRing;
using Portcullis.Storage.Sqlite;

namespace Portcullis.Storage.Tests;

/// <summary>Where SQLite's generated key-encryption certificate goes: next to a database file, nowhere for an in-memory database.</summary>
public sealed class GeneratedCertificatePathTests
{
    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=shared;Mode=Memory;Cache=Shared")]
    [InlineData("Data Source=file::memory:?cache=shared")]
    public void InMemoryDatabases_GetNoFile(string connectionString) =>
        Assert.Null(KeyEncryptionCertificates.GeneratedPathFor(new SqliteDatabase(new StorageOptions { ConnectionString = connectionString })));

    [Fact]
    public void AFileDatabase_GetsTheFileInItsFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "portcullis-data");

        var path = KeyEncryptionCertificates.GeneratedPathFor(
            new SqliteDatabase(new StorageOptions { ConnectionString = $"Data Source={Path.Combine(folder, "p.db")}" }));

        Assert.Equal(Path.Combine(folder, KeyEncryptionCertificates.GeneratedFileName), path);
    }
}
