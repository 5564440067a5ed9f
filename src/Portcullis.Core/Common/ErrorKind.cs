namespace Portcullis.Core.Common;

/// <summary>Every expected failure the domain can report. The HTTP edge owns statusCodes, apiCodes and messages.</summary>
public enum ErrorKind
{
    InvalidArgument,
    UnsupportedConnection,
    AppNotFound,
    ClientAuthenticationFailed,
    BadCredentials,
    UserAlreadyExists,
    UserNotFound,
    UserDisabled,
    NotLoggedIn,
    WeakPassword,

    /// <summary>Too many consecutive wrong passwords for this login identifier (GenAuth apiCode 2057).</summary>
    PasswordLocked,

    // MFA (see docs/errors.md for statusCodes and apiCodes).
    EnrollmentTokenInvalid,
    EnrollmentTokenExpired,
    EnrollmentTokenExhausted,
    FactorTypeMismatch,
    WrongTotp,
    WrongCode,
    WrongRecoveryCode,
    FactorAlreadyBound,
    FactorNotFound,
    FactorNotAvailable,
    FactorLocked,
    SendThrottled,
    TotpNotBound,
    DeliveryFailed,
    InvalidPhoto,
    FaceMismatch,
    PhotoRefused,

    // Delivery.
    SmsCountryRefused,
    RateLimited,
    DeliveryRefused,
    InvalidChannel,
}
