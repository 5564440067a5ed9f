using System.Text;
using OtpNet;
using Portcullis.Core.Factors.Otp;

namespace Portcullis.Core.Tests.Rfc;

/// <summary>
/// The published test vectors, through Otp.NET configured the way <see cref="TotpVerifier"/> configures it (SHA-1, 30 s),
/// and through <see cref="TotpVerifier"/> itself: its 6-digit codes are the last six digits of the RFC's 8-digit values.
/// </summary>
public sealed class RfcVectorTests
{
    private static readonly byte[] RfcSeed = Encoding.ASCII.GetBytes("12345678901234567890");

    /// <summary>RFC 6238 Appendix B, the SHA-1 rows.</summary>
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Totp_Rfc6238AppendixB_Sha1EightDigits_MatchesVector(long unixSeconds, string expected)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime;
        var totp = new Totp(RfcSeed, TotpVerifier.PeriodSeconds, OtpHashMode.Sha1, totpSize: 8);

        Assert.Equal(expected, totp.ComputeTotp(at));
        Assert.True(totp.VerifyTotp(at, expected, out var step, new VerificationWindow(previous: 1, future: 1)));
        Assert.Equal(unixSeconds / 30, step);
    }

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void TotpVerifier_Rfc6238AppendixB_SixDigitTruncation_ComputesAndMatches(long unixSeconds, string eightDigits)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        var sixDigits = eightDigits[^6..];

        Assert.Equal(sixDigits, TotpVerifier.Compute(RfcSeed, at));
        Assert.Equal(unixSeconds / 30, TotpVerifier.MatchStep(RfcSeed, sixDigits, at));
    }

    /// <summary>RFC 4226 Appendix D: HOTP, SHA-1, 6 digits, counters 0 to 9.</summary>
    [Theory]
    [InlineData(0L, "755224")]
    [InlineData(1L, "287082")]
    [InlineData(2L, "359152")]
    [InlineData(3L, "969429")]
    [InlineData(4L, "338314")]
    [InlineData(5L, "254676")]
    [InlineData(6L, "287922")]
    [InlineData(7L, "162583")]
    [InlineData(8L, "399871")]
    [InlineData(9L, "520489")]
    public void Hotp_Rfc4226AppendixD_MatchesVector(long counter, string expected)
    {
        var hotp = new Hotp(RfcSeed, OtpHashMode.Sha1, hotpSize: TotpVerifier.Digits);

        Assert.Equal(expected, hotp.ComputeHOTP(counter));
        Assert.True(hotp.VerifyHotp(expected, counter));
    }

    [Theory]
    [InlineData(0L, "755224")]
    [InlineData(1L, "287082")]
    [InlineData(9L, "520489")]
    public void TotpVerifier_AtTheStartOfStepN_ComputesHotpOfCounterN(long counter, string expected)
    {
        // TOTP is HOTP with the counter T = floor(unix / 30) (RFC 6238 §4.2).
        Assert.Equal(expected, TotpVerifier.Compute(RfcSeed, DateTimeOffset.FromUnixTimeSeconds(counter * 30)));
        Assert.Equal(expected, TotpVerifier.Compute(RfcSeed, DateTimeOffset.FromUnixTimeSeconds((counter * 30) + 29)));
    }
}
