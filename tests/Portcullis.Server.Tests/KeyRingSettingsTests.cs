using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Server.Hosting;
using Portcullis.Testing;

namespace Portcullis.Server.Tests;

/// <summary>Key-ring settings the server cannot honour stop it at start with a message naming the setting, before any key is read.</summary>
public sealed class KeyRingSettingsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portcullis-keyring-settings-");

    [Theory]
    [InlineData("missing file", "Portcullis:DataProtection:Certificate:Path: no file at")]
    [InlineData("wrong password", "Portcullis:DataProtection:Certificate:Password does not open")]
    [InlineData("no private key", "Portcullis:DataProtection:Certificate: ")]
    [InlineData("expired", "expired on")]
    [InlineData("previous missing", "Portcullis:DataProtection:PreviousCertificates:0:Path: no file at")]
    [InlineData("postgresql without certificate", "Portcullis:DataProtection:Certificate:Path is required with PostgreSQL")]
    public async Task KeyRingSetting_TheServerCannotHonour_RefusesToStart(string problem, string expected)
    {
        var pem = TestKeyRing.NewCertificateFile(_folder.FullName);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string[] settings = problem switch
        {
            "missing file" => ["--Portcullis:DataProtection:Certificate:Path", Path.Combine(_folder.FullName, "absent.pfx")],
            "wrong password" => ["--Portcullis:DataProtection:Certificate:Path", Pkcs12(pem, "the-password"), "--Portcullis:DataProtection:Certificate:Password", "not-the-password"],
            "no private key" => ["--Portcullis:DataProtection:Certificate:Path", CertificateOnly(pem)],
            "expired" => ["--Portcullis:DataProtection:Certificate:Path", pem],
            "previous missing" => ["--Portcullis:DataProtection:Certificate:Path", pem, "--Portcullis:DataProtection:PreviousCertificates:0:Path", Path.Combine(_folder.FullName, "old.pem")],
            "postgresql without certificate" => ["--Portcullis:Storage:Provider", "PostgreSql", "--Portcullis:Storage:ConnectionString", "Host=127.0.0.1;Port=1;Database=none;Username=none"],
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };
        if (problem == "expired")
        {
            clock.Advance(TimeSpan.FromDays(11 * 366)); // generated certificates are valid for ten years
        }

        await using var app = PortcullisApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(_folder.FullName, "p.db")}", .. settings],
            builder => builder.Services.AddSingleton<TimeProvider>(clock));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => PortcullisApp.StartAsync(app, TestContext.Current.CancellationToken));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        if (problem == "no private key")
        {
            Assert.Contains("holds no private key", refused.Message, StringComparison.Ordinal);
        }
    }

    private string Pkcs12(string pem, string password)
    {
        var path = Path.Combine(_folder.FullName, "kek.pfx");
        using var certificate = X509Certificate2.CreateFromPemFile(pem);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    private string CertificateOnly(string pem)
    {
        var path = Path.Combine(_folder.FullName, "public-only.pem");
        using var certificate = X509Certificate2.CreateFromPemFile(pem);
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
