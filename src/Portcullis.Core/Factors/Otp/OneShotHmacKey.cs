using System.Security.Cryptography;
using OtpNet;

namespace Portcullis.Core.Factors.Otp;

/// <summary>
/// The seed as Otp.NET's <see cref="IKeyProvider"/>, computing each HMAC with the one-shot static API. Otp.NET's own InMemoryKey takes
/// a lock, copies the key and builds a new HMAC object per step, three times per check, which shows in a verify's CPU profile.
/// The caller owns the seed and zeroes it after use.
/// </summary>
internal sealed class OneShotHmacKey(byte[] seed) : IKeyProvider
{
    public byte[] ComputeHmac(OtpHashMode mode, byte[] data) => mode switch
    {
#pragma warning disable CA5350 // RFC 6238 TOTP as authenticator apps compute it is HMAC-SHA1; HMAC-SHA1 is not broken as a MAC.
        OtpHashMode.Sha1 => HMACSHA1.HashData(seed, data),
#pragma warning restore CA5350
        OtpHashMode.Sha256 => HMACSHA256.HashData(seed, data),
        OtpHashMode.Sha512 => HMACSHA512.HashData(seed, data),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}
