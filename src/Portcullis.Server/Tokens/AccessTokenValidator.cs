using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Core.Tokens;

namespace Portcullis.Server.Tokens;

/// <summary>An access token whose signature and claims checked out, and the key that signed it.</summary>
public sealed record ValidatedAccessToken(AccessTokenInfo Info, string Kid);

/// <summary>
/// The full check of an access token: RS256 signature by a published key, <c>typ: at+jwt</c>, issuer, lifetime. Revocation is
/// not checked here. The validation parameters are built once per (issuer, key snapshot), not per call.
/// </summary>
public sealed class AccessTokenValidator(TimeProvider clock)
{
    /// <summary>The issuer follows the Host header unless PublicUrl is set: bounded so made-up hosts cannot grow the map.</summary>
    private const int MaxIssuers = 16;

    private static readonly JsonWebTokenHandler Handler = new();
    private readonly ConcurrentDictionary<string, (SigningKeyRing.KeySnapshot Keys, TokenValidationParameters Parameters)> _parameters =
        new(StringComparer.Ordinal);

    public async Task<ValidatedAccessToken?> ValidateAsync(string issuer, string token, SigningKeyRing.KeySnapshot keys)
    {
        var result = await Handler.ValidateTokenAsync(token, ParametersFor(issuer, keys));
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        var jti = jwt.Id;
        var appId = jwt.Audiences.FirstOrDefault();
        var kid = jwt.SigningKey?.KeyId;
        if (string.IsNullOrEmpty(jti) || string.IsNullOrEmpty(appId) || string.IsNullOrEmpty(kid))
        {
            return null;
        }

        jwt.TryGetPayloadValue<string>("scope", out var scope);
        var isClient = !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.AuthTime, out var authTime);
        UserAuthentication? authentication = null;
        if (!isClient)
        {
            jwt.TryGetPayloadValue<string[]>("amr", out var amr);
            jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Acr, out var acr);
            amr ??= [];
            authentication = new UserAuthentication(DateTimeOffset.FromUnixTimeSeconds(authTime), amr, acr ?? AuthenticationMethods.AcrOf(amr));
        }

        return new ValidatedAccessToken(new AccessTokenInfo(jwt.Subject, appId, jti, scope ?? "",
            new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero), new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), isClient, authentication), kid);
    }

    private TokenValidationParameters ParametersFor(string issuer, SigningKeyRing.KeySnapshot keys)
    {
        if (_parameters.TryGetValue(issuer, out var cached) && ReferenceEquals(cached.Keys, keys))
        {
            return cached.Parameters;
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateAudience = false,
            IssuerSigningKeys = keys.Published,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = [TokenService.AccessTokenType],
            ValidateLifetime = true,
            // Read the clock at each call: these parameters are reused.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires is { } exp && exp > now && (notBefore is null || notBefore <= now.AddSeconds(30));
            },
            RequireExpirationTime = true,
        };
        if (_parameters.ContainsKey(issuer) || _parameters.Count < MaxIssuers)
        {
            _parameters[issuer] = (keys, parameters);
        }

        return parameters;
    }
}
