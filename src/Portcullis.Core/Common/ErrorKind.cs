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

    /// <summary>The face describer found no face in the photo.</summary>
    NoFaceFound,

    /// <summary>The face describer found more than one face in the photo: which one to enroll or compare is not guessed.</summary>
    MoreThanOneFace,

    /// <summary>The mfaToken is unknown, expired, already used, or its user or application is gone (GenAuth apiCode 2021).</summary>
    MfaTokenInvalid,

    /// <summary>Binding during sign-in was asked of a user who already has a factor.</summary>
    SecondFactorBound,

    /// <summary>A sensitive change of a user who has a factor needs a session that passed a second factor recently (detail: the minutes).</summary>
    StepUpRequired,

    /// <summary>FACE needs a face describer and this server has none registered.</summary>
    NoFaceDescriber,

    // Delivery.
    SmsCountryRefused,

    /// <summary>No provider delivers this channel's messages on this server (detail: the channel).</summary>
    ChannelNotConfigured,
    RateLimited,
    DeliveryRefused,
    InvalidChannel,

    // Account self-service (docs/account-self-service.md).

    /// <summary>A password on the blocklist of common and breached passwords.</summary>
    CommonPassword,

    /// <summary>A passwordResetToken, updateEmailToken, updatePhoneToken or deleteAccountToken that is unknown, expired, spent or of another purpose.</summary>
    TicketInvalid,

    /// <summary>Binding an email or phone (detail) when the account has one: it is changed with update-email or update-phone.</summary>
    ContactAlreadyBound,

    /// <summary>Unbinding or changing an email or phone (detail) the account does not have.</summary>
    ContactNotBound,

    /// <summary>Unbinding would leave the account with no way to sign in.</summary>
    LastSignInMethod,

    /// <summary>The email belongs to another account of the pool (whose is not said).</summary>
    EmailTaken,

    /// <summary>The phone number belongs to another account of the pool (whose is not said; GenAuth apiCode 1320004).</summary>
    PhoneTaken,

    /// <summary>The new email or phone (detail) is the one the account has (GenAuth apiCode 2230).</summary>
    SameContact,

    /// <summary>update-profile's new username belongs to another account of the pool (whose is not said).</summary>
    UsernameTaken,
}
