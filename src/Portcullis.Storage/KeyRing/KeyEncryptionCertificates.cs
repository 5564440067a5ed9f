using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portcullis.Storage.KeyRing;

/// <summary>
/// The certificates that protect the Data Protection key ring, loaded once, when first needed: by the settings' validation at
/// start, before anything reads a key. Problems are collected, not thrown: <see cref="KeyRingOptionsValidation"/> reports them
/// with the other settings. The rules:
/// <list type="bullet">
/// <item><c>Portcullis:DataProtection:Certificate</c> set: it encrypts, <c>PreviousCertificates</c> only decrypt.</item>
/// <item>Not set, <c>AllowUnencryptedKeyRing=true</c>: the key ring is stored unencrypted.</item>
/// <item>Not set, SQLite: a self-signed certificate generated once into <see cref="GeneratedFileName"/> next to the database.</item>
/// <item>Not set, PostgreSQL: refused. Nodes sharing a database must share the certificate, so none can make its own.</item>
/// </list>
/// </summary>
public sealed class KeyEncryptionCertificates
{
    public const string GeneratedFileName = "keyring-kek.pem";
    private const string CertificateSetting = KeyRingOptions.Section + ":Certificate";

    private KeyEncryptionCertificates()
    {
    }

    /// <summary>Encrypts new keys; null when the key ring is stored unencrypted (or the settings are invalid).</summary>
    public X509Certificate2? Current { get; private init; }

    /// <summary>Where <see cref="Current"/> comes from, for messages: the setting, or the generated file.</summary>
    public string CurrentSource { get; private init; } = CertificateSetting;

    /// <summary>The generated certificate's file when no certificate is configured (SQLite), else null.</summary>
    public string? GeneratedPath { get; private init; }

    public IReadOnlyList<X509Certificate2> Previous { get; private init; } = [];

    /// <summary>Settings that cannot be honoured, each naming its key.</summary>
    public IReadOnlyList<string> Problems { get; private init; } = [];

    /// <summary>Every certificate that can decrypt keys: the current one first.</summary>
    public IEnumerable<X509Certificate2> All => Current is null ? Previous : Previous.Prepend(Current);

    /// <param name="database">The configured database; null when its settings are invalid (their own validation reports them).</param>
    internal static KeyEncryptionCertificates Load(KeyRingOptions options, DatabaseProvider? database)
    {
        var problems = new List<string>();
        var previous = options.PreviousCertificates
            .Select((settings, i) => TryLoad($"{KeyRingOptions.Section}:PreviousCertificates:{i}", settings, problems))
            .OfType<X509Certificate2>()
            .ToList();

        if (options.Certificate is { IsConfigured: true } configured)
        {
            return new() { Current = TryLoad(CertificateSetting, configured, problems), Previous = previous, Problems = problems };
        }

        if (options.AllowUnencryptedKeyRing || database is null)
        {
            return new() { Previous = previous, Problems = problems };
        }

        if (database.IsShared)
        {
            problems.Add($"{CertificateSetting}:Path is required with PostgreSQL: every node sharing the database must encrypt the "
                + $"Data Protection key ring with the same certificate. Set it (docs/configuration.md), or set "
                + $"{KeyRingOptions.Section}:AllowUnencryptedKeyRing=true to keep the key ring unencrypted in the database.");
            return new() { Previous = previous, Problems = problems };
        }

        var path = GeneratedPathFor(database);
        if (path is null)
        {
            // An in-memory database: its key ring dies with the process, and so may the certificate.
            return new() { Current = CreateSelfSigned(), CurrentSource = "a generated in-memory certificate", Previous = previous, Problems = problems };
        }

        try
        {
            EnsureGeneratedFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{CertificateSetting}:Path is not set and the key-encryption certificate could not be generated at {path}: "
                + $"{ex.Message} Set {CertificateSetting}:Path, or make the database's folder writable.");
            return new() { Previous = previous, Problems = problems };
        }

        var source = $"the generated certificate {path} (set {CertificateSetting}:Path to replace it)";
        return new()
        {
            Current = TryLoad(source, new CertificateSettings { Path = path }, problems),
            CurrentSource = source,
            GeneratedPath = path,
            Previous = previous,
            Problems = problems,
        };
    }

    /// <summary>Where the database's generated certificate lives: next to its file; null for a database without one (in memory).</summary>
    internal static string? GeneratedPathFor(DatabaseProvider database) =>
        database.FileFolder is { } folder ? Path.Combine(folder, GeneratedFileName) : null;

    /// <summary>Writes a new self-signed key-encryption certificate and its private key as PEM, readable by the owner only.</summary>
    public static void WriteNewCertificateFile(string path)
    {
        using var certificate = CreateSelfSigned();
        using var key = certificate.GetRSAPrivateKey()!;
        var pem = certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";

        // Written under another name, then renamed: a process starting at the same moment sees the whole file or none.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, file))
        {
            writer.Write(pem);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The certificate XML encryption embedded in a stored key (or one of its elements): the one that can decrypt it.</summary>
    internal static X509Certificate2? EmbeddedIn(System.Xml.Linq.XElement element)
    {
        var embedded = element.Descendants().FirstOrDefault(e => e.Name.LocalName == "X509Certificate")?.Value;
        return embedded is null ? null : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(embedded));
    }

    private static void EnsureGeneratedFile(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            WriteNewCertificateFile(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (a second server, the CLI) generated it first: use theirs.
        }
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Portcullis key ring encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
    }

    private static X509Certificate2? TryLoad(string setting, CertificateSettings settings, List<string> problems)
    {
        if (!settings.IsConfigured)
        {
            problems.Add($"{setting}:Path is empty.");
            return null;
        }

        var path = Path.GetFullPath(settings.Path!);
        var keyPath = string.IsNullOrWhiteSpace(settings.KeyPath) ? null : Path.GetFullPath(settings.KeyPath);
        if (!File.Exists(path) || (keyPath is not null && !File.Exists(keyPath)))
        {
            problems.Add($"{setting}:{(File.Exists(path) ? "KeyPath" : "Path")}: no file at {(File.Exists(path) ? keyPath : path)}.");
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(path) ? LoadPem(path, keyPath, settings.Password) : LoadPkcs12(path, settings.Password);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{setting}: {path} (or KeyPath) cannot be read by this process: {ex.Message}");
            return null;
        }
        catch (CryptographicException ex)
        {
            problems.Add(IsPem(path)
                ? $"{setting}: {path} (and KeyPath) could not be read as a PEM certificate and private key"
                    + $"{(settings.Password is null ? "" : " with the given Password")}: {ex.Message}"
                : $"{setting}:Password does not open {path}, or it is not a PKCS#12 (.pfx) file: {ex.Message}");
            return null;
        }

        if (!certificate.HasPrivateKey)
        {
            problems.Add($"{setting}: {path} holds no private key (give a PKCS#12 file with its key, or the PEM key in the file or in KeyPath): "
                + "the key ring cannot be decrypted without it.");
            return null;
        }

        if (certificate.GetRSAPublicKey() is null)
        {
            problems.Add($"{setting}: {path} must be an RSA certificate (XML encryption wraps the keys with RSA).");
            return null;
        }

        return certificate;
    }

    private static X509Certificate2 LoadPkcs12(string path, string? password) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);

    private static X509Certificate2 LoadPem(string path, string? keyPath, string? password)
    {
        if (!File.ReadAllText(keyPath ?? path).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return X509CertificateLoader.LoadCertificateFromFile(path); // the caller reports the missing key
        }

        return password is null
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var start = new char[64];
        var read = reader.ReadBlock(start);
        return new string(start, 0, read).TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal);
    }
}
