using System.Security.Cryptography;
using System.Text;

namespace Portcullis.Core.Common;

/// <summary>
/// One-way hashes for high-entropy secrets (enrollment tokens of 256 bits, recovery codes of 120 bits) and for short-lived,
/// attempt-limited codes. NIST SP 800-63B allows an approved one-way function for look-up secrets of at least 112 bits;
/// passwords go through <see cref="Passwords.PasswordHasher"/> instead. The stored form <c>salt.hash</c> carries its own
/// random salt, so equal secrets never hash equal.
/// </summary>
public static class SecretHash
{
    public static string Hash(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return Convert.ToBase64String(salt) + "." + Convert.ToBase64String(Compute(salt, secret));
    }

    public static bool Verify(string secret, string stored)
    {
        var dot = stored.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(stored[..dot]);
            var expected = Convert.FromBase64String(stored[(dot + 1)..]);
            return CryptographicOperations.FixedTimeEquals(Compute(salt, secret), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Compute(byte[] salt, string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + bytes.Length];
        salt.CopyTo(input, 0);
        bytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}
