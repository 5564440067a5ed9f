using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Accounts;

/// <summary><c>POST /api/v3/signin</c>.</summary>
public sealed class SignInDto
{
    [JsonPropertyName("connection")]
    public string? Connection { get; set; }

    [JsonPropertyName("passwordPayload")]
    public SignInPasswordPayload? PasswordPayload { get; set; }

    [JsonPropertyName("passCodePayload")]
    public PassCodePayload? PassCodePayload { get; set; }

    [JsonPropertyName("options")]
    public SignInOptions? Options { get; set; }

    [JsonPropertyName("client_id")]
    public string? ClientId { get; set; }

    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; set; }
}

public sealed class SignInPasswordPayload
{
    [JsonPropertyName("password")]
    public string? Password { get; set; }

    [JsonPropertyName("account")]
    public string? Account { get; set; }

    [JsonPropertyName("email")]
    public string? Email { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("phone")]
    public string? Phone { get; set; }
}

public sealed class SignInOptions
{
    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("clientIp")]
    public string? ClientIp { get; set; }

    [JsonPropertyName("passwordEncryptType")]
    public string? PasswordEncryptType { get; set; }
}

/// <summary>The tokens <c>/api/v3/signin</c> answers with (note GenAuth's singular <c>expire_in</c>).</summary>
public sealed class LoginTokenDto
{
    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("id_token")]
    public string? IdToken { get; set; }

    [JsonPropertyName("refresh_token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("token_type")]
    public string TokenType { get; set; } = "bearer";

    [JsonPropertyName("expire_in")]
    public int ExpireIn { get; set; }
}
