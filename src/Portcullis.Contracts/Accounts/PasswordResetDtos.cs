using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

/// <summary><c>POST /api/v3/verify-reset-password-request</c> (authing-node-sdk's <c>verifyResetPasswordRequest</c>).</summary>
public sealed class VerifyResetPasswordRequestDto
{
    /// <summary><see cref="VerifyMethods.EmailPassCode"/> or <see cref="VerifyMethods.PhonePassCode"/>.</summary>
    [JsonPropertyName("verifyMethod")] public string? VerifyMethod { get; set; }

    [JsonPropertyName("phonePassCodePayload")] public ResetPhonePassCodePayload? PhonePassCodePayload { get; set; }

    [JsonPropertyName("emailPassCodePayload")] public ResetEmailPassCodePayload? EmailPassCodePayload { get; set; }
}

public sealed class ResetPhonePassCodePayload
{
    [JsonPropertyName("phoneNumber")] public string? PhoneNumber { get; set; }

    [JsonPropertyName("passCode")] public string? PassCode { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }
}

public sealed class ResetEmailPassCodePayload
{
    [JsonPropertyName("email")] public string? Email { get; set; }

    [JsonPropertyName("passCode")] public string? PassCode { get; set; }
}

public sealed class PasswordResetTokenDto
{
    [JsonPropertyName("passwordResetToken")] public required string PasswordResetToken { get; init; }

    /// <summary>Seconds the token stays usable.</summary>
    [JsonPropertyName("tokenExpiresIn")] public required int TokenExpiresIn { get; init; }
}

/// <summary><c>POST /api/v3/reset-password</c> (authing-node-sdk's <c>resetPassword</c>).</summary>
public sealed class ResetPasswordDto
{
    [JsonPropertyName("password")] public string? Password { get; set; }

    [JsonPropertyName("passwordResetToken")] public string? PasswordResetToken { get; set; }

    /// <summary><c>none</c> (or absent) only, as for <see cref="UpdatePasswordDto"/>.</summary>
    [JsonPropertyName("passwordEncryptType")] public string? PasswordEncryptType { get; set; }
}

/// <summary><c>data</c> of the calls that answer GenAuth's <c>IsSuccessRespDto</c>.</summary>
public sealed class SuccessDataDto
{
    [JsonPropertyName("success")] public bool Success { get; set; } = true;
}
