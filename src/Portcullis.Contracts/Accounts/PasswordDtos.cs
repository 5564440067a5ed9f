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

    /// <summary>GenAuth's signed-in reset path; not served (refused as an invalid argument).</summary>
    [JsonPropertyName("passwordResetToken")] public string? PasswordResetToken { get; set; }
}
