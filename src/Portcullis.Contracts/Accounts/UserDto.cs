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

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("photo")]
    public string? Photo { get; set; }

    [JsonPropertyName("externalId")]
    public string? ExternalId { get; set; }

    /// <summary><c>yyyy-MM-dd</c>.</summary>
    [JsonPropertyName("birthdate")]
    public string? Birthdate { get; set; }

    [JsonPropertyName("country")]
    public string? Country { get; set; }

    [JsonPropertyName("province")]
    public string? Province { get; set; }

    [JsonPropertyName("city")]
    public string? City { get; set; }

    [JsonPropertyName("address")]
    public string? Address { get; set; }

    [JsonPropertyName("streetAddress")]
    public string? StreetAddress { get; set; }

    [JsonPropertyName("postalCode")]
    public string? PostalCode { get; set; }

    [JsonPropertyName("company")]
    public string? Company { get; set; }

    /// <summary>0 no password, 1 weak, 2 medium, 3 strong (docs/account-self-service.md).</summary>
    [JsonPropertyName("passwordSecurityLevel")]
    public int PasswordSecurityLevel { get; set; }
}
