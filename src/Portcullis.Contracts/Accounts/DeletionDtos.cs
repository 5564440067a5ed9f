using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

/// <summary>
/// <c>POST /api/v3/verify-delete-account-request</c> (authing-node-sdk's <c>verifyDeleteAccountRequest</c>): the payload named
/// by <see cref="VerifyMethod"/> proves the account.
/// </summary>
public sealed class VerifyDeleteAccountRequestDto
{
    /// <summary><c>EMAIL_PASSCODE</c>, <c>PHONE_PASSCODE</c> or <c>PASSWORD</c>.</summary>
    [JsonPropertyName("verifyMethod")] public string? VerifyMethod { get; set; }

    [JsonPropertyName("phonePassCodePayload")] public DeleteAccountByPhoneDto? PhonePassCodePayload { get; set; }

    [JsonPropertyName("emailPassCodePayload")] public DeleteAccountByEmailDto? EmailPassCodePayload { get; set; }

    [JsonPropertyName("passwordPayload")] public DeleteAccountByPasswordDto? PasswordPayload { get; set; }
}

public sealed class DeleteAccountByPhoneDto
{
    [JsonPropertyName("phoneNumber")] public string? PhoneNumber { get; set; }

    /// <summary>A code sent with channel <c>CHANNEL_DELETE_ACCOUNT</c> to the account's own phone.</summary>
    [JsonPropertyName("passCode")] public string? PassCode { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }
}

public sealed class DeleteAccountByEmailDto
{
    /// <summary>Optional: the code goes to the account's own email in any case.</summary>
    [JsonPropertyName("email")] public string? Email { get; set; }

    /// <summary>A code sent with channel <c>CHANNEL_DELETE_ACCOUNT</c> to the account's own email.</summary>
    [JsonPropertyName("passCode")] public string? PassCode { get; set; }
}

public sealed class DeleteAccountByPasswordDto
{
    [JsonPropertyName("password")] public string? Password { get; set; }

    /// <summary><c>none</c> (or absent) only, as for update-password.</summary>
    [JsonPropertyName("passwordEncryptType")] public string? PasswordEncryptType { get; set; }
}

public sealed class VerifyDeleteAccountRequestDataDto
{
    [JsonPropertyName("deleteAccountToken")] public string DeleteAccountToken { get; set; } = "";

    /// <summary>Seconds.</summary>
    [JsonPropertyName("tokenExpiresIn")] public int TokenExpiresIn { get; set; }
}

/// <summary><c>POST /api/v3/delete-account</c> (authing-node-sdk's <c>deleteAccount</c>, whose DTO is spelled <c>DeleteAccounDto</c>).</summary>
public sealed class DeleteAccountDto
{
    [JsonPropertyName("deleteAccountToken")] public string? DeleteAccountToken { get; set; }
}
