using OtpNet;

namespace Portcullis.Core.Factors.Otp;

/// <summary>
/// RFC 6238 TOTP with what authenticator apps scan: SHA-1, 6 digits, 30 s, a 160-bit seed. A code is accepted within ±1 step
/// (RFC 6238 §5.2); which step matched is returned so the caller can refuse a replay by compare-and-set on the factor.
/// </summary>
public static class TotpVerifier
{
    public const int SeedBytes = 20;
    public const int Digits = 6;
    public const int PeriodSeconds = 30;

    public static byte[] NewSeed() => KeyGeneration.GenerateRandomKey(SeedBytes);

    public static string ToBase32(byte[] seed) => Base32Encoding.ToString(seed).TrimEnd('=');

    /// <summary>The step that <paramref name="code"/> matches at <paramref name="now"/>, or null.</summary>
    public static long? MatchStep(byte[] seed, string? code, DateTimeOffset now)
    {
        if (code is null || code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(new OneShotHmacKey(seed), PeriodSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>The code for <paramref name="at"/> (tests, and the dev tools).</summary>
    public static string Compute(byte[] seed, DateTimeOffset at) =>
        new Totp(seed, PeriodSeconds, OtpHashMode.Sha1, Digits).ComputeTotp(at.UtcDateTime);

    /// <summary>The <c>otpauth://</c> URI authenticator apps scan (Key Uri Format), GenAuth's shape.</summary>
    public static string KeyUri(byte[] seed, string issuer, string account) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={ToBase32(seed)}" +
        $"&period={PeriodSeconds}&digits={Digits}&algorithm=SHA1&issuer={Uri.EscapeDataString(issuer)}";
}
