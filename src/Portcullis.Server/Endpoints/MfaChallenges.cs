using Portcullis.Contracts.Mfa;
using Portcullis.Core.Factors;
using Portcullis.Core.SignIn;

namespace Portcullis.Server.Endpoints;

/// <summary>The <c>data</c> of the 1636 answer: the mfaToken, the factor types that may answer, and where codes would go, masked.</summary>
internal static class MfaChallenges
{
    public static MfaChallengeDataDto ToDto(this MfaChallenge challenge)
    {
        var sms = challenge.Counting.FirstOrDefault(f => f.Type == FactorType.Sms);
        var email = challenge.Counting.FirstOrDefault(f => f.Type == FactorType.Email);
        return new MfaChallengeDataDto
        {
            MfaToken = challenge.MfaToken,
            MfaTokenExpiresIn = (int)(challenge.Session.ExpiresAt - challenge.Session.CreatedAt).TotalSeconds,
            MfaPhone = MaskPhone(sms?.PhoneNumber),
            MfaPhoneCountryCode = sms?.PhoneCountryCode,
            MfaEmail = MaskEmail(email?.Email),
            Username = challenge.User.Username,
            Nickname = challenge.User.Nickname,
            TotpMfaEnabled = challenge.Counting.Any(f => f.Type == FactorType.Otp),
            FaceMfaEnabled = challenge.Counting.Any(f => f.Type == FactorType.Face),
            ApplicationMfa = [.. challenge.Types.Select((t, i) => new ApplicationMfaDto { MfaPolicy = t.ToWire(), Status = 1, Sort = i })],
        };
    }

    /// <summary>
    /// At most half the digits: the first three and last two of a number of ten or more, the last two of a shorter one. Enough
    /// for the user to recognise it, not for a caller who holds only the password to learn it.
    /// </summary>
    internal static string? MaskPhone(string? national) => national switch
    {
        null => null,
        { Length: >= 10 } n => n[..3] + new string('*', n.Length - 5) + n[^2..],
        { Length: > 4 } n => new string('*', n.Length - 2) + n[^2..],
        { } n => new string('*', n.Length),
    };

    /// <summary>The local part's first character and the domain: <c>a***@example.com</c>.</summary>
    internal static string? MaskEmail(string? address)
    {
        var at = address?.LastIndexOf('@') ?? -1;
        return address is null || at < 1 ? null : address[0] + "***" + address[at..];
    }
}
