using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Core.Factors.Otp;
using Portcullis.Storage;
using Portcullis.Storage.KeyRing;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// The Data Protection key ring is stored encrypted with a key-encryption certificate: a copy of the database alone decrypts
/// nothing, a restart with the same certificate reads every secret, and a start with another certificate refuses, saying which
/// certificate it needs. Servers on one SQLite file, stopped and started again; TOTPs over HTTP on each server's fake clock.
/// </summary>
public sealed class KeyRingEncryptionTests : IDisposable
{
    private const string AppId = "keyring-test-app";
    private const string AppSecret = "keyring-test-secret-0123456789";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portcullis-keyring-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string KeyEncryptionCertificate(string name) => TestKeyRing.NewCertificateFile(_folder.FullName, name);

    [Fact]
    public async Task DemoStart_WithNoSettings_StoresTheKeyRingEncryptedWithACertificateFileNextToTheDatabase()
    {
        Enrolled enrolled;
        await using (var first = await StartAsync())
        {
            enrolled = await EnrollOtpUserAsync(first);
            var stored = await StoredKeysAsync(first);

            Assert.NotEmpty(stored);
            Assert.All(stored, AssertEncrypted);
        }

        var generated = Path.Combine(_folder.FullName, KeyEncryptionCertificates.GeneratedFileName);
        Assert.True(File.Exists(generated), "the generated certificate belongs next to the database");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(generated));
        }

        var firstContent = await File.ReadAllTextAsync(generated, Ct);

        await using var second = await StartAsync();
        await AssertTotpVerifiesAsync(second, enrolled);
        Assert.Equal(firstContent, await File.ReadAllTextAsync(generated, Ct));
    }

    [Fact]
    public async Task Restart_WithTheSameConfiguredPkcs12Certificate_VerifiesATotpEnrolledBefore()
    {
        var pfx = Path.Combine(_folder.FullName, "kek.pfx");
        using (var certificate = LoadPem(KeyEncryptionCertificate("kek.pem")))
        {
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "pfx-password"), Ct);
        }

        (string, string?)[] settings = [("Portcullis:DataProtection:Certificate:Path", pfx), ("Portcullis:DataProtection:Certificate:Password", "pfx-password")];
        Enrolled enrolled;
        await using (var first = await StartAsync(settings))
        {
            enrolled = await EnrollOtpUserAsync(first);
            Assert.All(await StoredKeysAsync(first), AssertEncrypted);
        }

        await using var second = await StartAsync(settings);
        await AssertTotpVerifiesAsync(second, enrolled);
        Assert.False(File.Exists(Path.Combine(_folder.FullName, KeyEncryptionCertificates.GeneratedFileName)), "nothing generated when configured");
    }

    [Fact]
    public async Task Start_WithAnotherCertificateOrNone_RefusesToStart_NamingTheCertificateItNeeds()
    {
        var original = KeyEncryptionCertificate("original.pem");
        await using (var first = await StartAsync(("Portcullis:DataProtection:Certificate:Path", original)))
        {
            await EnrollOtpUserAsync(first);
        }

        using var originalCertificate = LoadPem(original);
        foreach (var settings in new[] { [("Portcullis:DataProtection:Certificate:Path", KeyEncryptionCertificate("other.pem"))], Array.Empty<(string, string?)>() })
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(settings));

            Assert.Contains("cannot be decrypted", refused.Message, StringComparison.Ordinal);
            Assert.Contains(originalCertificate.Thumbprint, refused.Message, StringComparison.Ordinal);
            Assert.Contains("Portcullis:DataProtection:PreviousCertificates", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rotation_NewCertificateWithTheOldOneListedAsPrevious_ReadsOldSecrets_AndEncryptsNewKeysWithTheNewOne()
    {
        var old = KeyEncryptionCertificate("old.pem");
        Enrolled enrolled;
        await using (var first = await StartAsync(("Portcullis:DataProtection:Certificate:Path", old)))
        {
            enrolled = await EnrollOtpUserAsync(first);
        }

        var replacement = KeyEncryptionCertificate("new.pem");
        var second = await StartAsync(
            ("Portcullis:DataProtection:Certificate:Path", replacement),
            ("Portcullis:DataProtection:PreviousCertificates:0:Path", old));
        await AssertTotpVerifiesAsync(second, enrolled);

        var created = CreateDataProtectionKey(second);
        using var replacementCertificate = LoadPem(replacement);
        Assert.Equal(replacementCertificate.Thumbprint, EncryptingThumbprint((await StoredKeysAsync(second)).Single(k => k.Contains(created.ToString("D"), StringComparison.Ordinal))));

        // `portcullis keyring encrypt` re-wraps the old keys, after which the old certificate is no longer needed.
        await ReencryptAsync(second);
        Assert.All(await StoredKeysAsync(second), xml => Assert.Equal(replacementCertificate.Thumbprint, EncryptingThumbprint(xml)));
        await second.DisposeAsync();
        await using var third = await StartAsync(("Portcullis:DataProtection:Certificate:Path", replacement));
        await AssertTotpVerifiesAsync(third, enrolled);
    }

    [Fact]
    public async Task UnencryptedKeyRingFromBefore_IsStillRead_AndNewKeysAreWrittenEncrypted()
    {
        Enrolled enrolled;
        await using (var before = await StartAsync(("Portcullis:DataProtection:AllowUnencryptedKeyRing", "true")))
        {
            enrolled = await EnrollOtpUserAsync(before);
            Assert.All(await StoredKeysAsync(before), xml => Assert.Contains("<masterKey", xml, StringComparison.Ordinal));
        }

        var after = await StartAsync();
        await AssertTotpVerifiesAsync(after, enrolled);

        var created = CreateDataProtectionKey(after);
        AssertEncrypted((await StoredKeysAsync(after)).Single(k => k.Contains(created.ToString("D"), StringComparison.Ordinal)));
        Assert.Contains(await StoredKeysAsync(after), xml => xml.Contains("<masterKey", StringComparison.Ordinal));

        await ReencryptAsync(after);
        Assert.All(await StoredKeysAsync(after), AssertEncrypted);
        await after.DisposeAsync();
        await using var restarted = await StartAsync();
        await AssertTotpVerifiesAsync(restarted, enrolled);
    }

    private sealed record Enrolled(string Email, byte[] Seed)
    {
        /// <summary>The latest instant a code was accepted at (on any server's clock): the next must be a later step.</summary>
        public DateTimeOffset LastCodeAt { get; set; }
    }

    private async Task<Node> StartAsync(params (string Key, string? Value)[] settings)
    {
        var node = new Node(Path.Combine(_folder.FullName, "portcullis.db"), settings);
        try
        {
            await node.InitializeAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static async Task<Enrolled> EnrollOtpUserAsync(Node server)
    {
        using var client = server.Client(AppId, AppSecret, Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost);
        var (email, _) = await SignUpAsync(client);
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, new SignInOptions { Scope = "openid profile" }, Ct));
        var (seed, _) = await EnrollOtpAsync(client, server);
        return new Enrolled(email, seed) { LastCodeAt = server.Clock.GetUtcNow() };
    }

    /// <summary>A TOTP for the seed enrolled on an earlier server verifies here: this server decrypted the stored seed.</summary>
    private static async Task AssertTotpVerifiesAsync(Node server, Enrolled enrolled)
    {
        // Past the step last accepted (the enrollment's counts as spent): each server's fake clock starts at its own start.
        var now = server.Clock.GetUtcNow();
        server.Clock.SetUtcNow((now > enrolled.LastCodeAt ? now : enrolled.LastCodeAt).AddMinutes(1));
        enrolled.LastCodeAt = server.Clock.GetUtcNow();
        using var client = server.Client(AppId, AppSecret, Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost);
        // The bound factor is now the sign-in's second factor: answering it is what needs the decrypted seed.
        var signedIn = await client.SignInByEmailPasswordAsync(enrolled.Email, Password, new SignInOptions { Scope = "openid profile" }, Ct);
        Assert.True(signedIn.IsMfaRequired, Describe(signedIn));
        AssertOk(await client.VerifyTotpMfaAsync(signedIn.MfaChallenge!.MfaToken, TotpVerifier.Compute(enrolled.Seed, server.Clock.GetUtcNow()), Ct));
    }

    /// <summary>What <c>portcullis keyring encrypt</c> runs, on this server's configuration.</summary>
    private static async Task ReencryptAsync(Node server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<KeyRingReencryption>().EncryptStoredKeysAsync(Ct);
    }

    private static async Task<List<string>> StoredKeysAsync(Node server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        return await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync(Ct);
    }

    /// <summary>What Data Protection does when the default key nears its expiry: a new key, written with the configured encryptor.</summary>
    private static Guid CreateDataProtectionKey(Node server)
    {
        var now = DateTimeOffset.UtcNow;
        return server.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90)).KeyId;
    }

    private static void AssertEncrypted(string xml)
    {
        // The master key sits only inside the XML-encrypted element, wrapped for the certificate.
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        var secret = Assert.Single(XElement.Parse(xml).Descendants(), e => e.Name.LocalName == "encryptedSecret");
        Assert.Contains("EncryptedXmlDecryptor", (string?)secret.Attribute("decryptorType"), StringComparison.Ordinal);
        Assert.NotNull(EncryptingThumbprint(xml));
    }

    private static string? EncryptingThumbprint(string xml)
    {
        var embedded = XElement.Parse(xml).Descendants().FirstOrDefault(e => e.Name.LocalName == "X509Certificate")?.Value;
        if (embedded is null)
        {
            return null;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(embedded));
        return certificate.Thumbprint;
    }

    private static X509Certificate2 LoadPem(string path) => X509Certificate2.CreateFromPemFile(path);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    /// <summary>A server on a database that outlives it, with one fixed bootstrap application so a user signs in on every start.</summary>
    private sealed class Node(string database, (string Key, string? Value)[] settings) : TestServer
    {
        protected override string? KeyRingCertificatePath => null; // only the test's own settings

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [
            new("Portcullis:Storage:ConnectionString", $"Data Source={database}"),
            new("Portcullis:Bootstrap:AppId", AppId),
            new("Portcullis:Bootstrap:AppSecret", AppSecret),
            .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)),
        ];
    }
}
