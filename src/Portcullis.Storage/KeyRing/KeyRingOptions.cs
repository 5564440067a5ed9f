namespace Portcullis.Storage.KeyRing;

/// <summary><c>Portcullis:DataProtection</c>: the certificate that encrypts the Data Protection key ring stored in the database.</summary>
public sealed class KeyRingOptions
{
    public const string Section = "Portcullis:DataProtection";

    /// <summary>Encrypts new keys and decrypts the keys it encrypted.</summary>
    public CertificateSettings? Certificate { get; set; }

    /// <summary>Former key-encryption certificates, for decryption only, so the certificate can be rotated.</summary>
    public List<CertificateSettings> PreviousCertificates { get; set; } = [];

    /// <summary>
    /// With no <see cref="Certificate"/>: store new keys unencrypted instead of generating a certificate (SQLite) or refusing
    /// to start (PostgreSQL). Anyone with a copy of the database can then decrypt every secret in it.
    /// </summary>
    public bool AllowUnencryptedKeyRing { get; set; }
}

/// <summary>A certificate with its private key: a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>) or PEM.</summary>
public sealed class CertificateSettings
{
    /// <summary>A PKCS#12 file, or a PEM file holding the certificate (and the private key unless <see cref="KeyPath"/> is set).</summary>
    public string? Path { get; set; }

    /// <summary>PEM only: the private key, when it is in a file of its own.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 password, or the password of an encrypted PEM private key.</summary>
    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Path);
}
