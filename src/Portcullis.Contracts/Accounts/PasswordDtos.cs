using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

/// <summary><c>POST /api/v3/update-password</c> (authing-node-sdk's <c>updatePassword</c>).</summary>
public sealed class UpdatePasswordDto
{
    [JsonPropertyName("newPassword")] public string? NewPassword { get; set; }

    /// <summary>Required when the user has a password.</summary>
    [JsonPropertyName("oldPassword")] public string? OldPassword { get; set; }

    /// <summary><c>none</c> (or absent) only: the password travels as typed, inside TLS.</summary>
    [JsonPropertyName("passwordEncryptType")] public string? PasswordEncryptType { get; set; }

    /// <summary>In place of <see cref="OldPassword"/>: a token from <c>verify-reset-password-request</c> for this user.</summary>
    [JsonPropertyName("passwordResetToken")] public string? PasswordResetToken { get; set; }
}

/// <summary><c>POST /api/v3/validate-password</c> (authing-node-sdk's <c>validatePassword</c>): the account by email, else phone, else username.</summary>
public sealed class ValidatePasswordDto
{
    [JsonPropertyName("email")] public string? Email { get; set; }

    [JsonPropertyName("phone")] public string? Phone { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }

    [JsonPropertyName("username")] public string? Username { get; set; }

    [JsonPropertyName("password")] public string? Password { get; set; }

    /// <summary><c>none</c> (or absent) only, as for <see cref="UpdatePasswordDto"/>.</summary>
    [JsonPropertyName("passwordEncryptType")] public string? PasswordEncryptType { get; set; }
}

public sealed class ValidatePasswordDataDto
{
    [JsonPropertyName("valid")] public bool Valid { get; set; }
}
