using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

/// <summary><c>POST /api/v3/bind-email</c> (authing-node-sdk's <c>bindEmail</c>): a code sent to the address on CHANNEL_BIND_EMAIL.</summary>
public sealed class BindEmailDto
{
    [JsonPropertyName("passCode")] public string? PassCode { get; set; }

    [JsonPropertyName("email")] public string? Email { get; set; }
}

/// <summary><c>POST /api/v3/unbind-email</c> (<c>unbindEmail</c>): a code sent to the current address on CHANNEL_UNBIND_EMAIL.</summary>
public sealed class UnbindEmailDto
{
    [JsonPropertyName("passCode")] public string? PassCode { get; set; }
}

/// <summary><c>POST /api/v3/bind-phone</c> (<c>bindPhone</c>): a code sent to the number on CHANNEL_BIND_PHONE.</summary>
public sealed class BindPhoneDto
{
    [JsonPropertyName("passCode")] public string? PassCode { get; set; }

    [JsonPropertyName("phoneNumber")] public string? PhoneNumber { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }
}

/// <summary><c>POST /api/v3/unbind-phone</c> (<c>unbindPhone</c>): a code sent to the current number on CHANNEL_UNBIND_PHONE.</summary>
public sealed class UnbindPhoneDto
{
    [JsonPropertyName("passCode")] public string? PassCode { get; set; }
}

/// <summary><c>POST /api/v3/verify-update-email-request</c> (<c>verifyUpdateEmailRequest</c>).</summary>
public sealed class VerifyUpdateEmailRequestDto
{
    /// <summary><c>EMAIL_PASSCODE</c>, the only method.</summary>
    [JsonPropertyName("verifyMethod")] public string? VerifyMethod { get; set; }

    [JsonPropertyName("emailPassCodePayload")] public UpdateEmailPassCodePayload? EmailPassCodePayload { get; set; }
}

/// <summary>Codes sent on CHANNEL_UPDATE_EMAIL to the new address and to the current one (required by Portcullis).</summary>
public sealed class UpdateEmailPassCodePayload
{
    [JsonPropertyName("newEmail")] public string? NewEmail { get; set; }

    [JsonPropertyName("newEmailPassCode")] public string? NewEmailPassCode { get; set; }

    /// <summary>Optional; when given it must be the account's email.</summary>
    [JsonPropertyName("oldEmail")] public string? OldEmail { get; set; }

    [JsonPropertyName("oldEmailPassCode")] public string? OldEmailPassCode { get; set; }
}

public sealed class VerifyUpdateEmailRequestDataDto
{
    [JsonPropertyName("updateEmailToken")] public string UpdateEmailToken { get; set; } = "";

    /// <summary>Seconds the token lives.</summary>
    [JsonPropertyName("tokenExpiresIn")] public int TokenExpiresIn { get; set; }
}

/// <summary><c>POST /api/v3/update-email</c> (<c>updateEmail</c>).</summary>
public sealed class UpdateEmailDto
{
    [JsonPropertyName("updateEmailToken")] public string? UpdateEmailToken { get; set; }
}

/// <summary><c>POST /api/v3/verify-update-phone-request</c> (<c>verifyUpdatePhoneRequest</c>).</summary>
public sealed class VerifyUpdatePhoneRequestDto
{
    /// <summary><c>PHONE_PASSCODE</c>, the only method.</summary>
    [JsonPropertyName("verifyMethod")] public string? VerifyMethod { get; set; }

    [JsonPropertyName("phonePassCodePayload")] public UpdatePhonePassCodePayload? PhonePassCodePayload { get; set; }
}

/// <summary>Codes sent on CHANNEL_BIND_PHONE or CHANNEL_UNBIND_PHONE to the new number and to the current one (required by Portcullis).</summary>
public sealed class UpdatePhonePassCodePayload
{
    [JsonPropertyName("newPhoneNumber")] public string? NewPhoneNumber { get; set; }

    [JsonPropertyName("newPhonePassCode")] public string? NewPhonePassCode { get; set; }

    [JsonPropertyName("newPhoneCountryCode")] public string? NewPhoneCountryCode { get; set; }

    /// <summary>Optional; when given it must be the account's phone.</summary>
    [JsonPropertyName("oldPhoneNumber")] public string? OldPhoneNumber { get; set; }

    [JsonPropertyName("oldPhonePassCode")] public string? OldPhonePassCode { get; set; }

    [JsonPropertyName("oldPhoneCountryCode")] public string? OldPhoneCountryCode { get; set; }
}

public sealed class VerifyUpdatePhoneRequestDataDto
{
    [JsonPropertyName("updatePhoneToken")] public string UpdatePhoneToken { get; set; } = "";

    /// <summary>Seconds the token lives.</summary>
    [JsonPropertyName("tokenExpiresIn")] public int TokenExpiresIn { get; set; }
}

/// <summary><c>POST /api/v3/update-phone</c> (<c>updatePhone</c>).</summary>
public sealed class UpdatePhoneDto
{
    [JsonPropertyName("updatePhoneToken")] public string? UpdatePhoneToken { get; set; }
}

/// <summary><c>POST /api/v3/pre-check-code</c> (<c>preCheckCode</c>): whether a code is right, without spending it.</summary>
public sealed class PreCheckCodeDto
{
    /// <summary><c>SMS</c> (with <c>smsCodePayload</c>) or <c>EMAIL</c> (with <c>emailCodePayload</c>).</summary>
    [JsonPropertyName("codeType")] public string? CodeType { get; set; }

    [JsonPropertyName("smsCodePayload")] public PreCheckSmsCodePayload? SmsCodePayload { get; set; }

    [JsonPropertyName("emailCodePayload")] public PreCheckEmailCodePayload? EmailCodePayload { get; set; }
}

public sealed class PreCheckSmsCodePayload
{
    /// <summary>The number (GenAuth names it <c>phone</c> here, <c>phoneNumber</c> in send-sms).</summary>
    [JsonPropertyName("phone")] public string? Phone { get; set; }

    [JsonPropertyName("passCode")] public string? PassCode { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }

    /// <summary>The channel the code was sent for (send-sms's).</summary>
    [JsonPropertyName("channel")] public string? Channel { get; set; }
}

public sealed class PreCheckEmailCodePayload
{
    [JsonPropertyName("email")] public string? Email { get; set; }

    [JsonPropertyName("passCode")] public string? PassCode { get; set; }

    /// <summary>The channel the code was sent for (send-email's).</summary>
    [JsonPropertyName("channel")] public string? Channel { get; set; }
}

public sealed class PreCheckCodeDataDto
{
    [JsonPropertyName("isValid")] public bool IsValid { get; set; }

    /// <summary>Why not, when the code is not valid.</summary>
    [JsonPropertyName("message")] public string? Message { get; set; }
}
