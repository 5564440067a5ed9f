using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

/// <summary>
/// <c>POST /api/v3/update-profile</c> (authing-node-sdk's <c>updateProfile</c>, GenAuth's <c>UpdateUserProfileDto</c>). A field
/// left out (or null) is left as it is; an empty string clears it.
/// </summary>
public sealed class UpdateUserProfileDto
{
    [JsonPropertyName("name")] public string? Name { get; set; }

    [JsonPropertyName("nickname")] public string? Nickname { get; set; }

    [JsonPropertyName("givenName")] public string? GivenName { get; set; }

    [JsonPropertyName("familyName")] public string? FamilyName { get; set; }

    /// <summary>An https URL.</summary>
    [JsonPropertyName("photo")] public string? Photo { get; set; }

    [JsonPropertyName("externalId")] public string? ExternalId { get; set; }

    /// <summary><c>yyyy-MM-dd</c>.</summary>
    [JsonPropertyName("birthdate")] public string? Birthdate { get; set; }

    [JsonPropertyName("country")] public string? Country { get; set; }

    [JsonPropertyName("province")] public string? Province { get; set; }

    [JsonPropertyName("city")] public string? City { get; set; }

    [JsonPropertyName("address")] public string? Address { get; set; }

    [JsonPropertyName("streetAddress")] public string? StreetAddress { get; set; }

    [JsonPropertyName("postalCode")] public string? PostalCode { get; set; }

    [JsonPropertyName("company")] public string? Company { get; set; }

    /// <summary><c>M</c>, <c>F</c> or <c>U</c>.</summary>
    [JsonPropertyName("gender")] public string? Gender { get; set; }

    /// <summary>Unique in the pool.</summary>
    [JsonPropertyName("username")] public string? Username { get; set; }

    /// <summary>Not stored by Portcullis (sensitive personal data): refused when given.</summary>
    [JsonPropertyName("identityNumber")] public string? IdentityNumber { get; set; }

    /// <summary>Custom fields are not served: refused unless absent, null or <c>{}</c>.</summary>
    [JsonPropertyName("customData")] public JsonElement? CustomData { get; set; }

    /// <summary>Fields this DTO does not have, kept so the server can name them in its refusal instead of dropping them silently.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? UnknownFields { get; set; }
}

/// <summary><c>GET /api/v3/get-security-info</c> (authing-node-sdk's <c>getSecurityLevel</c>): every field is always present.</summary>
public sealed class GetSecurityInfoDataDto
{
    /// <summary>0 no password, 1 weak, 2 medium, 3 strong.</summary>
    [JsonPropertyName("passwordSecurityLevel")] public int PasswordSecurityLevel { get; set; }

    [JsonPropertyName("mfaEnrolled")] public bool MfaEnrolled { get; set; }

    [JsonPropertyName("passwordSet")] public bool PasswordSet { get; set; }

    /// <summary>GenAuth's spelling.</summary>
    [JsonPropertyName("emailBinded")] public bool EmailBinded { get; set; }

    [JsonPropertyName("phoneBinded")] public bool PhoneBinded { get; set; }

    /// <summary>0–100.</summary>
    [JsonPropertyName("securityScore")] public int SecurityScore { get; set; }
}
