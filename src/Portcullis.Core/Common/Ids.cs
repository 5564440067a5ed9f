using System.Buffers.Text;
using System.Security.Cryptography;

namespace Portcullis.Core.Common;

/// <summary>Identifiers and secrets, all from the CSPRNG.</summary>
public static class Ids
{
    /// <summary>A 96-bit id as 24 lower-case hex characters, the shape of GenAuth's user, pool and app ids.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>A 128-bit application secret as 32 hex characters, GenAuth's shape.</summary>
    public static string NewAppSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>An opaque 256-bit bearer value (refresh tokens, …), base64url.</summary>
    public static string NewOpaqueToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of an opaque token, base64url: what the store keeps instead of the token.</summary>
    public static string HashToken(string token) =>
        Base64Url.EncodeToString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    /// <summary>Constant-time string equality (secrets and codes).</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
}
