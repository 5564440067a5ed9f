using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Portcullis.Core.Common;

namespace Portcullis.Core.Tokens;

/// <summary>Creates RSA signing keys: the private key encrypted for storage, the kid the RFC 7638 thumbprint of the public key.</summary>
public static class SigningKeyFactory
{
    public static SigningKey Create(int keySize, ISecretProtector protector, DateTimeOffset now)
    {
        using var rsa = RSA.Create(keySize);
        var parameters = rsa.ExportParameters(false);
        return new SigningKey
        {
            Kid = Thumbprint(parameters),
            ProtectedPrivateKey = protector.Protect(Convert.ToBase64String(rsa.ExportPkcs8PrivateKey())),
            CreatedAt = now,
        };
    }

    /// <summary>RFC 7638: SHA-256 over the required members in lexicographic order, base64url.</summary>
    public static string Thumbprint(RSAParameters publicKey)
    {
        var json = $"{{\"e\":\"{Base64Url.EncodeToString(publicKey.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.EncodeToString(publicKey.Modulus)}\"}}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
