using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

/// <summary><c>POST /api/v3/send-sms</c> (docs/wire-contract.md, "Codes").</summary>
public sealed class SendSmsDto
{
    [JsonPropertyName("phoneNumber")] public string? PhoneNumber { get; set; }

    [JsonPropertyName("channel")] public string? Channel { get; set; }

    [JsonPropertyName("phoneCountryCode")] public string? PhoneCountryCode { get; set; }
}

/// <summary><c>POST /api/v3/send-email</c> (docs/wire-contract.md, "Codes").</summary>
public sealed class SendEmailDto
{
    [JsonPropertyName("email")] public string? Email { get; set; }

    [JsonPropertyName("channel")] public string? Channel { get; set; }
}

/// <summary>GenAuth's channels: why a code is sent. A code is only good for the channel it was sent for.</summary>
public static class Channels
{
    public const string Login = "CHANNEL_LOGIN";
    public const string Register = "CHANNEL_REGISTER";
    public const string ResetPassword = "CHANNEL_RESET_PASSWORD";

    public static readonly IReadOnlySet<string> Sms = new HashSet<string>(StringComparer.Ordinal)
    {
        "CHANNEL_LOGIN", "CHANNEL_REGISTER", "CHANNEL_RESET_PASSWORD", "CHANNEL_BIND_PHONE", "CHANNEL_UNBIND_PHONE",
        "CHANNEL_BIND_MFA", "CHANNEL_VERIFY_MFA", "CHANNEL_UNBIND_MFA", "CHANNEL_COMPLETE_PHONE", "CHANNEL_IDENTITY_VERIFICATION",
        "CHANNEL_DELETE_ACCOUNT",
    };

    public static readonly IReadOnlySet<string> Email = new HashSet<string>(StringComparer.Ordinal)
    {
        "CHANNEL_LOGIN", "CHANNEL_REGISTER", "CHANNEL_RESET_PASSWORD", "CHANNEL_VERIFY_EMAIL_LINK", "CHANNEL_UPDATE_EMAIL",
        "CHANNEL_BIND_EMAIL", "CHANNEL_UNBIND_EMAIL", "CHANNEL_VERIFY_MFA", "CHANNEL_UNLOCK_ACCOUNT", "CHANNEL_COMPLETE_EMAIL",
        "CHANNEL_DELETE_ACCOUNT",
    };
}
