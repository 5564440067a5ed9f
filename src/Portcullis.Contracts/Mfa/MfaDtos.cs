using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Mfa;

/// <summary><c>POST /api/v3/send-enroll-factor-request</c>: step 1 of binding a factor (docs/wire-contract.md).</summary>
public sealed class SendEnrollFactorRequestDto
{
    [JsonPropertyName("factorType")] public string? FactorType { get; set; }

    [JsonPropertyName("profile")] public FactorProfile? Profile { get; set; }
}

public sealed class FactorProfile
{
    [JsonPropertyName("phoneNumber")] public string? PhoneNumber { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }

    [JsonPropertyName("email")] public string? Email { get; set; }
}

public sealed class SendEnrollFactorRequestDataDto
{
    [JsonPropertyName("enrollmentToken")] public string EnrollmentToken { get; set; } = "";

    [JsonPropertyName("otpData")] public OtpEnrollmentDataDto? OtpData { get; set; }
}

public sealed class OtpEnrollmentDataDto
{
    [JsonPropertyName("qrCodeUri")] public string QrCodeUri { get; set; } = "";

    [JsonPropertyName("qrCodeDataUrl")] public string QrCodeDataUrl { get; set; } = "";

    [JsonPropertyName("recoveryCode")] public string RecoveryCode { get; set; } = "";
}

/// <summary><c>POST /api/v3/enroll-factor</c>: step 2, binds the factor (docs/wire-contract.md).</summary>
public sealed class EnrollFactorDto
{
    [JsonPropertyName("factorType")] public string? FactorType { get; set; }

    [JsonPropertyName("enrollmentToken")] public string? EnrollmentToken { get; set; }

    [JsonPropertyName("enrollmentData")] public EnrollFactorEnrollmentDataDto? EnrollmentData { get; set; }
}

public sealed class EnrollFactorEnrollmentDataDto
{
    [JsonPropertyName("passCode")] public string? PassCode { get; set; }

    [JsonPropertyName("photo")] public string? Photo { get; set; }

    [JsonPropertyName("isExternalPhoto")] public bool? IsExternalPhoto { get; set; }
}

/// <summary>A bound factor, as list-enrolled-factors and get-factor answer it. The factorId is opaque.</summary>
public sealed class FactorDto
{
    [JsonPropertyName("factorId")] public string FactorId { get; set; } = "";

    [JsonPropertyName("factorType")] public string FactorType { get; set; } = "";

    [JsonPropertyName("profile")] public FactorProfile Profile { get; set; } = new();
}

public sealed class FactorTypeDto
{
    [JsonPropertyName("factorType")] public string FactorType { get; set; } = "";
}

public sealed class ResetFactorDto
{
    [JsonPropertyName("factorId")] public string? FactorId { get; set; }
}

public sealed class MfaOtpVerifyDto
{
    [JsonPropertyName("totp")] public string? Totp { get; set; }
}

public sealed class MfaOtpVerifyDataDto
{
    [JsonPropertyName("verified")] public bool Verified { get; set; }
}

/// <summary>Portcullis extension: the key of an uploaded face photo, to pass as <c>enrollmentData.photo</c>.</summary>
public sealed class UploadedPhotoDto
{
    [JsonPropertyName("key")] public string Key { get; set; } = "";

    /// <summary>GenAuth's V2 upload answers a <c>url</c> too: for a private face photo it is the same key.</summary>
    [JsonPropertyName("url")] public string? Url { get; set; }
}
