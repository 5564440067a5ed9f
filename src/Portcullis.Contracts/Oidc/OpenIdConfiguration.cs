using System.Text.Json.Serialization;

namespace Portcullis.Contracts.Oidc;

/// <summary>OpenID Connect Discovery 1.0 metadata, with GenAuth's endpoint paths.</summary>
public sealed class OpenIdConfiguration
{
    [JsonPropertyName("issuer")] public string Issuer { get; set; } = "";
    [JsonPropertyName("authorization_endpoint")] public string? AuthorizationEndpoint { get; set; }
    [JsonPropertyName("token_endpoint")] public string TokenEndpoint { get; set; } = "";
    [JsonPropertyName("userinfo_endpoint")] public string UserinfoEndpoint { get; set; } = "";
    [JsonPropertyName("jwks_uri")] public string JwksUri { get; set; } = "";
    [JsonPropertyName("introspection_endpoint")] public string IntrospectionEndpoint { get; set; } = "";
    [JsonPropertyName("revocation_endpoint")] public string RevocationEndpoint { get; set; } = "";
    [JsonPropertyName("end_session_endpoint")] public string? EndSessionEndpoint { get; set; }
    [JsonPropertyName("scopes_supported")] public List<string> ScopesSupported { get; set; } = [];
    [JsonPropertyName("response_types_supported")] public List<string> ResponseTypesSupported { get; set; } = [];
    [JsonPropertyName("grant_types_supported")] public List<string> GrantTypesSupported { get; set; } = [];
    [JsonPropertyName("subject_types_supported")] public List<string> SubjectTypesSupported { get; set; } = [];
    [JsonPropertyName("id_token_signing_alg_values_supported")] public List<string> IdTokenSigningAlgValuesSupported { get; set; } = [];
    [JsonPropertyName("token_endpoint_auth_methods_supported")] public List<string> TokenEndpointAuthMethodsSupported { get; set; } = [];
    [JsonPropertyName("introspection_endpoint_auth_methods_supported")] public List<string> IntrospectionEndpointAuthMethodsSupported { get; set; } = [];
    [JsonPropertyName("revocation_endpoint_auth_methods_supported")] public List<string> RevocationEndpointAuthMethodsSupported { get; set; } = [];
    [JsonPropertyName("claims_supported")] public List<string> ClaimsSupported { get; set; } = [];
    [JsonPropertyName("response_modes_supported")] public List<string> ResponseModesSupported { get; set; } = [];
    [JsonPropertyName("code_challenge_methods_supported")] public List<string> CodeChallengeMethodsSupported { get; set; } = [];
    [JsonPropertyName("acr_values_supported")] public List<string> AcrValuesSupported { get; set; } = [];
    [JsonPropertyName("prompt_values_supported")] public List<string> PromptValuesSupported { get; set; } = [];
    [JsonPropertyName("claims_parameter_supported")] public bool ClaimsParameterSupported { get; set; }
    [JsonPropertyName("request_parameter_supported")] public bool RequestParameterSupported { get; set; }
    [JsonPropertyName("request_uri_parameter_supported")] public bool RequestUriParameterSupported { get; set; }
    /// <summary>RFC 9207: the authorization response carries <c>iss</c>, against mix-up attacks.</summary>
    [JsonPropertyName("authorization_response_iss_parameter_supported")] public bool AuthorizationResponseIssParameterSupported { get; set; }
}
