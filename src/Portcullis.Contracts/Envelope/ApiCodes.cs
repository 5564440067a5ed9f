namespace Portcullis.Contracts.Envelope;

/// <summary>
/// Segmented business error codes: GenAuth's own where GenAuth documents one, Portcullis' own in the 9xxx range where
/// GenAuth documents none. The table with statusCodes and messages is docs/errors.md.
/// </summary>
public static class ApiCodes
{
    // GenAuth's.
    public const int UserNotFound = 2004;
    public const int UserLocked = 2005;
    public const int AppNotFound = 2011;
    public const int NotLoggedIn = 2020;
    public const int UserAlreadyExists = 2026;
    public const int LockedAfterFailedLogins = 2057;
    public const int BadCredentials = 2333;
    public const int CodeWrong = 2001;
    public const int SendThrottled = 2080;
    public const int WrongTotp = 6001;
    public const int WrongRecoveryCode = 6002;
    public const int TotpNotBound = 6003;
    public const int MfaTokenInvalid = 2021;

    /// <summary>Not an error: sign-in passed its first factor and must pass a second (the answer carries an mfaToken).</summary>
    public const int MfaRequired = 1636;

    // Portcullis' (GenAuth documents none for these).
    public const int MalformedRequest = 9400;
    public const int InvalidArgument = 9401;
    public const int UnsupportedConnection = 9402;
    public const int WeakPassword = 9403;
    public const int WrongPassword = 2006;
    public const int NotFound = 9404;
    public const int MethodNotAllowed = 9405;
    public const int ClientAuthenticationFailed = 9410;
    public const int PayloadTooLarge = 9413;
    public const int UnsupportedMediaType = 9415;
    public const int RateLimited = 9429;
    public const int InternalError = 9500;
    public const int DeliveryFailed = 9602;
    public const int DeliveryRefused = 9603;
    public const int SmsCountryRefused = 9622;
    public const int ChannelNotConfigured = 9626;
    public const int InvalidChannel = 9623;

    // Portcullis' MFA codes (GenAuth documents none for these cases).
    public const int EnrollmentTokenInvalid = 9610;
    public const int EnrollmentTokenExpired = 9611;
    public const int EnrollmentTokenExhausted = 9612;
    public const int FactorTypeMismatch = 9613;
    public const int FactorAlreadyBound = 9614;
    public const int FactorNotFound = 9615;
    public const int FactorNotAvailable = 9616;
    public const int FactorLocked = 9617;
    public const int InvalidPhoto = 9620;
    public const int PhotoRefused = 9621;
    public const int FaceMismatch = 9618;
    public const int NoFaceDescriber = 9619;
    public const int NoFaceFound = 9627;
    public const int MoreThanOneFace = 9628;
    public const int SecondFactorBound = 9624;
    public const int StepUpRequired = 9625;

    // Account self-service.
    public const int TicketInvalid = 9630;
    public const int ContactAlreadyBound = 9631;
    public const int ContactNotBound = 9632;
    public const int LastSignInMethod = 9633;
    public const int PhoneTaken = 1320004;
    public const int SameContact = 2230;
}
