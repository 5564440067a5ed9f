using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Portcullis.Storage.KeyRing;

/// <summary>
/// Wraps every stored key's secret for the current certificate: keys written before the key ring was encrypted, and keys
/// encrypted with a previous certificate. Data Protection never rewrites a stored key, and the old keys keep protecting the
/// secrets written with them, so without this the plaintext (or the previous certificate) stays needed for ever.
/// The encryption is Data Protection's own (<see cref="CertificateXmlEncryptor"/>, <see cref="EncryptedXmlDecryptor"/>);
/// this only swaps the elements in its storage format (the master key marked <c>requiresEncryption</c> ⇄ <c>encryptedSecret</c>),
/// as its key manager does when it writes a key. The keys themselves do not change, so running servers are not disturbed.
/// </summary>
public sealed class KeyRingReencryption(PortcullisDbContext db, KeyEncryptionCertificates certificates, IServiceProvider services, ILoggerFactory loggers)
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    private static readonly XName DecryptorType = "decryptorType";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";

    /// <summary>Answers how many keys were rewritten and how many are stored.</summary>
    public async Task<(int Rewritten, int Total)> EncryptStoredKeysAsync(CancellationToken ct)
    {
        var current = certificates.Current ?? throw new InvalidOperationException(
            $"There is no key-encryption certificate to encrypt with: set {KeyRingOptions.Section}:Certificate:Path "
            + $"(and unset {KeyRingOptions.Section}:AllowUnencryptedKeyRing).");
        var encryptor = new CertificateXmlEncryptor(current, loggers);
        var decryptor = new EncryptedXmlDecryptor(services);

        var rows = await db.DataProtectionKeys.OrderBy(k => k.Id).ToListAsync(ct);
        var rewritten = 0;
        foreach (var row in rows.Where(r => r.Xml is not null))
        {
            var key = XElement.Parse(row.Xml!);
            if (Decrypt(key, decryptor, current.Thumbprint) + Encrypt(key, encryptor) > 0)
            {
                row.Xml = key.ToString(SaveOptions.DisableFormatting);
                rewritten++;
            }
        }

        await db.SaveChangesAsync(ct);
        return (rewritten, rows.Count);
    }

    /// <summary>Back to the plaintext form each secret not already encrypted for the current certificate.</summary>
    private static int Decrypt(XElement key, EncryptedXmlDecryptor decryptor, string currentThumbprint)
    {
        var stale = key.Descendants(EncryptedSecret)
            .Where(e => ((string?)e.Attribute(DecryptorType))?.StartsWith(typeof(EncryptedXmlDecryptor).FullName!, StringComparison.Ordinal) == true)
            .Where(e => !string.Equals(KeyEncryptionCertificates.EmbeddedIn(e)?.Thumbprint, currentThumbprint, StringComparison.OrdinalIgnoreCase))
            .ToList();
        foreach (var secret in stale)
        {
            secret.ReplaceWith(decryptor.Decrypt(secret.Elements().Single()));
        }

        return stale.Count;
    }

    private static int Encrypt(XElement key, CertificateXmlEncryptor encryptor)
    {
        var plaintext = key.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList();
        foreach (var secret in plaintext)
        {
            var encrypted = encryptor.Encrypt(secret);
            secret.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute(DecryptorType, encrypted.DecryptorType.AssemblyQualifiedName!),
                encrypted.EncryptedElement));
        }

        return plaintext.Count;
    }
}
