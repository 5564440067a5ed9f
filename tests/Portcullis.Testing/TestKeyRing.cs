using Portcullis.Storage.KeyRing;

namespace Portcullis.Testing;

/// <summary>Key-encryption certificates for tests that cannot use the generated one (PostgreSQL, where one is required).</summary>
public static class TestKeyRing
{
    private static readonly Lazy<string> Shared = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-kek-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Left in the temporary folder: not worth failing the test run's exit for.
            }
        };
        return NewCertificateFile(directory.FullName);
    });

    /// <summary>One certificate (PEM, with its key) for the whole test run: every PostgreSQL database of the run uses it.</summary>
    public static string SharedCertificatePath => Shared.Value;

    /// <summary>A new self-signed key-encryption certificate written as PEM into <paramref name="directory"/>.</summary>
    public static string NewCertificateFile(string directory, string name = "kek.pem")
    {
        var path = Path.Combine(directory, name);
        KeyEncryptionCertificates.WriteNewCertificateFile(path);
        return path;
    }
}
