using System.Security.Cryptography;

namespace Portcullis.Core.Factors;

/// <summary>Codes and tokens from the CSPRNG.</summary>
public static class Codes
{
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The length of every SMS and email code.</summary>
    public const int NumericCodeDigits = 6;

    /// <summary>A numeric code of <paramref name="digits"/> digits, uniformly distributed.</summary>
    public static string NewNumericCode(int digits = NumericCodeDigits) =>
        RandomNumberGenerator.GetInt32(0, (int)Math.Pow(10, digits)).ToString("D" + digits, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="code"/> has the shape of a code from <see cref="NewNumericCode"/>.</summary>
    public static bool IsNumericCode(string? code, int digits = NumericCodeDigits) => code is not null && code.Length == digits && code.All(char.IsAsciiDigit);

    /// <summary>An enrollment token: 256 bits, base64 (GenAuth's tokens look like base64 too). Opaque to clients.</summary>
    public static string NewEnrollmentToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A recovery code in GenAuth's layout — six groups of four, <c>xxxx-xxxx-xxxx-xxxx-xxxx-xxxx</c> — drawn from base32 rather
    /// than hex: 120 bits instead of 96, which puts it over NIST SP 800-63B's 112-bit bar for look-up secrets hashed with a
    /// one-way function (ours: <see cref="Common.SecretHash"/>).
    /// </summary>
    public static string NewRecoveryCode()
    {
        var chars = new char[24];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Base32Alphabet[RandomNumberGenerator.GetInt32(Base32Alphabet.Length)];
        }

        return string.Join('-', Enumerable.Range(0, 6).Select(g => new string(chars, g * 4, 4)));
    }

    /// <summary>Recovery codes are compared case-insensitively and without separators or spaces.</summary>
    public static string NormaliseRecoveryCode(string code) =>
        new(code.Where(c => c != '-' && !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant).ToArray());
}
