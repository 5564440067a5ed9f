using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

/// <summary>GenAuth's <c>UserDto</c>, the fields Portcullis keeps.</summary>
public sealed class UserDto
{
    [JsonPropertyName("userId")]
    public string UserId { get; set; } = "";

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; set; }

    [JsonPropertyName("status")]
    public string Status { get; set; } = "Activated";

    [JsonPropertyName("workStatus")]
    public string WorkStatus { get; set; } = "Active";

    [JsonPropertyName("email")]
    public string? Email { get; set; }

    [JsonPropertyName("phone")]
    public string? Phone { get; set; }

    [JsonPropertyName("phoneCountryCode")]
    public string? PhoneCountryCode { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("nickname")]
    public string? Nickname { get; set; }

    [JsonPropertyName("givenName")]
    public string? GivenName { get; set; }

    [JsonPropertyName("familyName")]
    public string? FamilyName { get; set; }

    [JsonPropertyName("gender")]
    public string Gender { get; set; } = "U";

    [JsonPropertyName("emailVerified")]
    public bool EmailVerified { get; set; }

    [JsonPropertyName("phoneVerified")]
    public bool PhoneVerified { get; set; }

    [JsonPropertyName("userSourceType")]
    public string UserSourceType { get; set; } = "register";

    [JsonPropertyName("loginsCount")]
    public int LoginsCount { get; set; }

    [JsonPropertyName("lastLogin")]
    public DateTimeOffset? LastLogin { get; set; }
}
