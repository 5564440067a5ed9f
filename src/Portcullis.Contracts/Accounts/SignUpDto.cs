using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

public static class Connections
{
    public const string Password = "PASSWORD";
    public const string PassCode = "PASSCODE";
}

/// <summary><c>POST /api/v3/signup</c>.</summary>
public sealed class SignUpDto
{
    [JsonPropertyName("connection")]
    public string? Connection { get; set; }

    [JsonPropertyName("passwordPayload")]
    public SignUpPasswordPayload? PasswordPayload { get; set; }

    [JsonPropertyName("passCodePayload")]
    public PassCodePayload? PassCodePayload { get; set; }

    [JsonPropertyName("profile")]
    public SignUpProfile? Profile { get; set; }

    [JsonPropertyName("options")]
    public SignUpOptions? Options { get; set; }
}

public sealed class SignUpPasswordPayload
{
    [JsonPropertyName("password")]
    public string? Password { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("email")]
    public string? Email { get; set; }
}

public sealed class PassCodePayload
{
    [JsonPropertyName("passCode")]
    public string? PassCode { get; set; }

    [JsonPropertyName("email")]
    public string? Email { get; set; }

    [JsonPropertyName("phone")]
    public string? Phone { get; set; }

    [JsonPropertyName("phoneCountryCode")]
    public string? PhoneCountryCode { get; set; }
}

public sealed class SignUpProfile
{
    [JsonPropertyName("nickname")]
    public string? Nickname { get; set; }

    [JsonPropertyName("givenName")]
    public string? GivenName { get; set; }

    [JsonPropertyName("familyName")]
    public string? FamilyName { get; set; }

    [JsonPropertyName("gender")]
    public string? Gender { get; set; }
}

public sealed class SignUpOptions
{
    [JsonPropertyName("passwordEncryptType")]
    public string? PasswordEncryptType { get; set; }

    /// <summary>A password set on the account a PASSCODE sign-up creates, so it can later sign in with a password too.</summary>
    [JsonPropertyName("passwordForPhonePassCode")]
    public string? PasswordForPhonePassCode { get; set; }
}
