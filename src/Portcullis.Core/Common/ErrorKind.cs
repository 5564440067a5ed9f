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

    /// <summary>The current password given to change it is not the user's.</summary>
    WrongPassword,

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

    /// <summary>The mfaToken is unknown, expired, already used, or its user or application is gone (GenAuth apiCode 2021).</summary>
    MfaTokenInvalid,

    /// <summary>Binding during sign-in was asked of a user who already has a factor.</summary>
    SecondFactorBound,

    /// <summary>Binding or unbinding a factor of a user who has one needs a session that passed a second factor.</summary>
    StepUpRequired,

    /// <summary>FACE needs a face matcher and this server has none installed.</summary>
    NoFaceMatcher,

    // Delivery.
    SmsCountryRefused,

    /// <summary>No provider delivers this channel's messages on this server (detail: the channel).</summary>
    ChannelNotConfigured,
    RateLimited,
    DeliveryRefused,
    InvalidChannel,
}
