using System.Text.Json.Serialization;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Oidc;

namespace Portcullis.Contracts;

/// <summary>Source-generated serialisation for every wire type (no reflection on the hot path, trimming-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ApiResponse))]
[JsonSerializable(typeof(ApiResponse<UserDto>))]
[JsonSerializable(typeof(ApiResponse<LoginTokenDto>))]
[JsonSerializable(typeof(SignUpDto))]
[JsonSerializable(typeof(SignInDto))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthErrorResponse))]
[JsonSerializable(typeof(IntrospectionResponse))]
[JsonSerializable(typeof(JsonWebKeySetDto))]
[JsonSerializable(typeof(UserInfoResponse))]
[JsonSerializable(typeof(OpenIdConfiguration))]
public sealed partial class PortcullisJsonContext : JsonSerializerContext;
