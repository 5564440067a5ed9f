namespace Portcullis.Core.Tokens;

/// <summary>
/// The <c>amr</c> values tokens carry (RFC 8176) and the <c>acr</c> they imply. A relying party can tell a one-factor token from
/// an MFA one from either claim, without calling the server (docs/sign-in-mfa.md, "Claims").
/// </summary>
public static class AuthenticationMethods
{
    public const string Password = "pwd";

    /// <summary>A one-time code: TOTP, or a code sent by email.</summary>
    public const string OneTimeCode = "otp";

    public const string Sms = "sms";

    public const string Face = "face";

    /// <summary>Added when a second factor of another kind was passed after the first.</summary>
    public const string MultiFactor = "mfa";

    /// <summary>OpenID PAPE's multi-factor policy: what relying parties commonly ask for with <c>acr_values</c>.</summary>
    public const string MultiFactorAcr = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

    /// <summary>One factor: a password or a code alone.</summary>
    public const string SingleFactorAcr = "urn:portcullis:acr:single-factor";

    /// <summary>A first factor followed by a second: both methods and <see cref="MultiFactor"/>, each once.</summary>
    public static IReadOnlyList<string> WithSecondFactor(string first, string second) =>
        first == second ? [first, MultiFactor] : [first, second, MultiFactor];

    public static string AcrOf(IReadOnlyList<string> amr) => amr.Contains(MultiFactor) ? MultiFactorAcr : SingleFactorAcr;

    /// <summary>As stored with a refresh token: space-separated.</summary>
    public static string Join(IReadOnlyList<string> amr) => string.Join(' ', amr);

    /// <summary>A stored list; a row written before methods were stored was a password sign-in.</summary>
    public static IReadOnlyList<string> Split(string? stored) =>
        string.IsNullOrEmpty(stored) ? [Password] : stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
