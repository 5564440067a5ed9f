using System.Text.Json.Serialization;

namespace Portcullis.Server.Endpoints;

/// <summary>The parameter names the OAuth endpoints read through <see cref="Http.OAuthRequest"/> (RFC 6749, 6750, 7009, 7662).</summary>
public static class OAuthParameters
{
    public const string GrantType = "grant_type";
    public const string RefreshToken = "refresh_token";
    public const string Scope = "scope";
    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string Token = "token";
    public const string AccessToken = "access_token";
    public const string Code = "code";
    public const string RedirectUri = "redirect_uri";
    public const string CodeVerifier = "code_verifier";
}

/// <summary>The grants <c>/oidc/token</c> serves.</summary>
public static class GrantTypes
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string ClientCredentials = "client_credentials";

    public static IReadOnlyList<string> All { get; } = [AuthorizationCode, RefreshToken, ClientCredentials];
}

/// <summary>
/// The client authentication fields of an OAuth body (client_secret_post). With client_secret_basic they travel in the Basic
/// header instead; a public client (none) sends only its id, or names itself in <c>x-authing-app-id</c>.
/// </summary>
public abstract class OAuthClientForm
{
    [JsonPropertyName(OAuthParameters.ClientId)]
    public string? ClientId { get; set; }

    [JsonPropertyName(OAuthParameters.ClientSecret)]
    public string? ClientSecret { get; set; }
}

/// <summary>The parameters of <c>POST /oidc/token</c>, for the OpenAPI document; the handler reads them by name.</summary>
public sealed class TokenRequestForm : OAuthClientForm
{
    [JsonPropertyName(OAuthParameters.GrantType)]
    public string GrantType { get; set; } = "";

    [JsonPropertyName(OAuthParameters.RefreshToken)]
    public string? RefreshToken { get; set; }

    [JsonPropertyName(OAuthParameters.Scope)]
    public string? Scope { get; set; }

    [JsonPropertyName(OAuthParameters.Code)]
    public string? Code { get; set; }

    [JsonPropertyName(OAuthParameters.RedirectUri)]
    public string? RedirectUri { get; set; }

    [JsonPropertyName(OAuthParameters.CodeVerifier)]
    public string? CodeVerifier { get; set; }
}

/// <summary>The parameters of <c>POST /oidc/token/introspection</c> and <c>/oidc/token/revocation</c>.</summary>
public sealed class TokenLookupForm : OAuthClientForm
{
    [JsonPropertyName(OAuthParameters.Token)]
    public string Token { get; set; } = "";
}

/// <summary>The parameters of <c>/oidc/me</c>: the token, when it is not sent in <c>authorization</c>.</summary>
public sealed class UserInfoForm
{
    [JsonPropertyName(OAuthParameters.AccessToken)]
    public string? AccessToken { get; set; }
}

/// <summary>The parameter of <c>/mfa/token/introspection</c>: the mfaToken asked about (optional: an empty body answers inactive).</summary>
public sealed class MfaTokenForm
{
    [JsonPropertyName(OAuthParameters.Token)]
    public string? Token { get; set; }
}
