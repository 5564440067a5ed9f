using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Mfa;

/// <summary>
/// The <c>data</c> of the 1636 answer: sign-in passed its first factor and must pass a second (docs/sign-in-mfa.md). The mfaToken
/// is opaque; phone and email are masked.
/// </summary>
public sealed class MfaChallengeDataDto
{
    [JsonPropertyName("mfaToken")] public string MfaToken { get; set; } = "";

    /// <summary>Seconds the mfaToken stays usable (a Portcullis addition).</summary>
    [JsonPropertyName("mfaTokenExpiresIn")] public int MfaTokenExpiresIn { get; set; }

    [JsonPropertyName("mfaPhone")] public string? MfaPhone { get; set; }

    [JsonPropertyName("mfaPhoneCountryCode")] public string? MfaPhoneCountryCode { get; set; }

    [JsonPropertyName("mfaEmail")] public string? MfaEmail { get; set; }

    [JsonPropertyName("username")] public string? Username { get; set; }

    [JsonPropertyName("nickname")] public string? Nickname { get; set; }

    [JsonPropertyName("totpMfaEnabled")] public bool TotpMfaEnabled { get; set; }

    [JsonPropertyName("faceMfaEnabled")] public bool FaceMfaEnabled { get; set; }

    /// <summary>The factor types that may answer, <c>status</c> 1 each (GenAuth's shape); the user may not have bound them all.</summary>
    [JsonPropertyName("applicationMfa")] public List<ApplicationMfaDto> ApplicationMfa { get; set; } = [];
}

public sealed class ApplicationMfaDto
{
    [JsonPropertyName("mfaPolicy")] public string MfaPolicy { get; set; } = "";

    [JsonPropertyName("status")] public int Status { get; set; } = 1;

    [JsonPropertyName("sort")] public int Sort { get; set; }
}

/// <summary>
/// A V2 MFA success: the user (V2 field names) with GenAuth's <c>token</c>/<c>tokenExpiredAt</c>, and the same token set a V3
/// sign-in answers.
/// </summary>
public sealed class MfaSignInResultDto
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";

    [JsonPropertyName("userPoolId")] public string UserPoolId { get; set; } = "";

    [JsonPropertyName("username")] public string? Username { get; set; }

    [JsonPropertyName("email")] public string? Email { get; set; }

    [JsonPropertyName("emailVerified")] public bool EmailVerified { get; set; }

    [JsonPropertyName("phone")] public string? Phone { get; set; }

    [JsonPropertyName("phoneVerified")] public bool PhoneVerified { get; set; }

    [JsonPropertyName("nickname")] public string? Nickname { get; set; }

    [JsonPropertyName("loginsCount")] public int LoginsCount { get; set; }

    [JsonPropertyName("lastLogin")] public DateTimeOffset? LastLogin { get; set; }

    [JsonPropertyName("createdAt")] public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName("updatedAt")] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>GenAuth's user token: the access token.</summary>
    [JsonPropertyName("token")] public string Token { get; set; } = "";

    [JsonPropertyName("tokenExpiredAt")] public DateTimeOffset TokenExpiredAt { get; set; }

    [JsonPropertyName("scope")] public string Scope { get; set; } = "";

    [JsonPropertyName("access_token")] public string AccessToken { get; set; } = "";

    [JsonPropertyName("id_token")] public string? IdToken { get; set; }

    [JsonPropertyName("refresh_token")] public string? RefreshToken { get; set; }

    [JsonPropertyName("token_type")] public string TokenType { get; set; } = "bearer";

    [JsonPropertyName("expire_in")] public int ExpireIn { get; set; }

    /// <summary>After a recovery code: its replacement, shown once.</summary>
    [JsonPropertyName("recoveryCode")] public string? RecoveryCode { get; set; }
}

public sealed class MfaTotpAnswerDto
{
    [JsonPropertyName("totp")] public string? Totp { get; set; }
}

public sealed class MfaSmsAnswerDto
{
    [JsonPropertyName("phone")] public string? Phone { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }

    [JsonPropertyName("code")] public string? Code { get; set; }
}

public sealed class MfaEmailAnswerDto
{
    [JsonPropertyName("email")] public string? Email { get; set; }

    [JsonPropertyName("code")] public string? Code { get; set; }
}

public sealed class MfaRecoveryAnswerDto
{
    [JsonPropertyName("recoveryCode")] public string? RecoveryCode { get; set; }
}

public sealed class MfaBindableCheckDto
{
    [JsonPropertyName("phone")] public string? Phone { get; set; }

    [JsonPropertyName("email")] public string? Email { get; set; }
}

public sealed class MfaAssociateDto
{
    [JsonPropertyName("authenticator_type")] public string? AuthenticatorType { get; set; }

    [JsonPropertyName("source")] public string? Source { get; set; }
}

public sealed class MfaAssociateConfirmDto
{
    [JsonPropertyName("authenticator_type")] public string? AuthenticatorType { get; set; }

    [JsonPropertyName("totp")] public string? Totp { get; set; }

    [JsonPropertyName("source")] public string? Source { get; set; }
}

/// <summary>What <c>/api/v2/mfa/totp/associate</c> answers: the seed shown once, its QR code and the recovery code.</summary>
public sealed class MfaAssociateDataDto
{
    [JsonPropertyName("authenticator_type")] public string AuthenticatorType { get; set; } = "totp";

    [JsonPropertyName("secret")] public string Secret { get; set; } = "";

    [JsonPropertyName("qrcode_uri")] public string QrCodeUri { get; set; } = "";

    [JsonPropertyName("qrcode_data_url")] public string QrCodeDataUrl { get; set; } = "";

    [JsonPropertyName("recovery_code")] public string RecoveryCode { get; set; } = "";
}

/// <summary>One entry of <c>/api/v2/mfa/authenticator</c>; the seed is never answered.</summary>
public sealed class MfaAuthenticatorDto
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";

    [JsonPropertyName("userId")] public string UserId { get; set; } = "";

    [JsonPropertyName("authenticatorType")] public string AuthenticatorType { get; set; } = "totp";

    [JsonPropertyName("enable")] public bool Enable { get; set; } = true;

    [JsonPropertyName("createdAt")] public DateTimeOffset CreatedAt { get; set; }
}

public sealed class MfaFaceAnswerDto
{
    [JsonPropertyName("photo")] public string? Photo { get; set; }
}

public sealed class MfaFaceAssociateDto
{
    [JsonPropertyName("photoA")] public string? PhotoA { get; set; }

    [JsonPropertyName("photoB")] public string? PhotoB { get; set; }

    [JsonPropertyName("isExternal")] public bool? IsExternal { get; set; }

    [JsonPropertyName("isExternalPhoto")] public bool? IsExternalPhoto { get; set; }
}

/// <summary><c>POST /api/v2/sms/send</c>: a code for the <c>mfa-verify</c> scene.</summary>
public sealed class V2SmsSendDto
{
    [JsonPropertyName("phone")] public string? Phone { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }

    [JsonPropertyName("scene")] public string? Scene { get; set; }
}

/// <summary><c>POST /api/v2/email/send</c>: a code for the <c>MFA_VERIFY_CODE</c> scene.</summary>
public sealed class V2EmailSendDto
{
    [JsonPropertyName("email")] public string? Email { get; set; }

    [JsonPropertyName("scene")] public string? Scene { get; set; }
}

/// <summary>What <c>POST /mfa/token/introspection</c> answers (raw, no envelope).</summary>
public sealed class MfaTokenIntrospectionDto
{
    [JsonPropertyName("active")] public bool Active { get; set; }

    [JsonPropertyName("userPoolId")] public string? UserPoolId { get; set; }

    [JsonPropertyName("userId")] public string? UserId { get; set; }

    [JsonPropertyName("exp")] public long? Exp { get; set; }

    [JsonPropertyName("iat")] public long? Iat { get; set; }
}
