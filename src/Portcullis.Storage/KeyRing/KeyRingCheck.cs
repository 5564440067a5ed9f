using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Portcullis.Storage.KeyRing;

/// <summary>
/// At start, once the settings are validated: every key stored in the database can be decrypted with the configured
/// certificates. A node started with the wrong certificate refuses to start, naming the certificate it needs, rather than
/// failing on every seed it reads (or writing a key of its own that the other nodes cannot read).
/// </summary>
public sealed class KeyRingCheck(
    KeyEncryptionCertificates certificates,
    IKeyManager keys,
    PortcullisDbContext db,
    ILogger<KeyRingCheck> logger)
{
    public async Task VerifyReadableAsync(CancellationToken ct)
    {
        foreach (var key in keys.GetAllKeys())
        {
            try
            {
                _ = key.Descriptor; // decrypts the key's XML
            }
            catch (Exception ex)
            {
                var encryptedWith = await DescribeEncryptingCertificateAsync(key.KeyId, ct);
                throw new InvalidOperationException(
                    $"The Data Protection key {key.KeyId} (created {key.CreationDate:yyyy-MM-dd}) in the database cannot be decrypted with "
                    + $"{Describe()}: {ex.Message} It was encrypted with {encryptedWith}. Start with that certificate as "
                    + $"{KeyRingOptions.Section}:Certificate or in {KeyRingOptions.Section}:PreviousCertificates: the TOTP seeds, signing keys "
                    + "and application secrets protected with this key cannot be read without it.", ex);
            }
        }

        var unencrypted = await db.DataProtectionKeys.AsNoTracking()
            .CountAsync(k => k.Xml != null && !k.Xml.Contains("encryptedSecret"), ct);
        if (unencrypted > 0 && certificates.Current is not null)
        {
            logger.LogWarning("{Count} Data Protection key(s) in the database were stored before the key ring was encrypted and are still "
                + "unencrypted: a copy of the database decrypts the secrets they protect. Run `portcullis keyring encrypt` (docs/security.md)",
                unencrypted);
        }

        WarnAboutWeakSetups();
    }

    private void WarnAboutWeakSetups()
    {
        if (certificates.GeneratedPath is { } generated)
        {
            logger.LogWarning("The Data Protection key ring is encrypted with a self-signed certificate generated at {Path}. Keep that file out "
                + "of database backups, move it to a secret store and point {Setting}:Path at it: whoever holds both the database and the "
                + "file can decrypt every secret", generated, KeyRingOptions.Section + ":Certificate");
        }
        else if (certificates.Current is null)
        {
            logger.LogWarning("The Data Protection key ring is stored unencrypted ({Setting}=true): anyone with a copy of the database can "
                + "decrypt every secret in it", KeyRingOptions.Section + ":AllowUnencryptedKeyRing");
        }
    }

    private string Describe()
    {
        var thumbprints = certificates.All.Select(c => c.Thumbprint).ToList();
        return thumbprints.Count == 0 ? "no certificate (the key ring is configured unencrypted)" : "the certificate(s) " + string.Join(", ", thumbprints);
    }

    private async Task<string> DescribeEncryptingCertificateAsync(Guid keyId, CancellationToken ct)
    {
        var xml = await db.DataProtectionKeys.AsNoTracking().Where(k => k.FriendlyName == "key-" + keyId.ToString("D"))
            .Select(k => k.Xml).FirstOrDefaultAsync(ct);
        using var certificate = xml is null ? null : KeyEncryptionCertificates.EmbeddedIn(XElement.Parse(xml));
        if (certificate is null)
        {
            return "a certificate it does not name";
        }

        return $"the certificate {certificate.Thumbprint} ({certificate.Subject}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd})";
    }
}
