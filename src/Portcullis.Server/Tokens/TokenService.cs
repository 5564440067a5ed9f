using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Server.Tokens;

/// <summary>Tokens handed to a client after authentication.</summary>
public sealed record IssuedTokens(string AccessToken, string? IdToken, string? RefreshToken, int ExpiresIn, string Scope);

/// <summary>A validated access token; a user's carries how the user authenticated.</summary>
public sealed record AccessTokenInfo(string Subject, string AppId, string Jti, string Scope, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt,
    bool IsClientToken, UserAuthentication? Authentication = null);

/// <summary>When and how a user authenticated: <c>auth_time</c>, <c>amr</c> and <c>acr</c> (<see cref="AuthenticationMethods"/>).</summary>
public sealed record UserAuthentication(DateTimeOffset AuthTime, IReadOnlyList<string> Amr, string Acr);

/// <summary>
/// Issues and validates every token, for <c>/api/v3/signin</c> and <c>/oidc/token</c> alike, so both are the same kind of token:
/// RS256 with <c>kid</c>, <c>iss = appHost/oidc</c>, <c>aud = appId</c>. Access tokens carry <c>typ: at+jwt</c> (RFC 9068) so an
/// ID token can never be used as one.
/// </summary>
public sealed class TokenService(SigningKeyRing keys, ITokenStore store, TimeProvider clock, IOptions<TokenOptions> options,
    AccessTokenValidator validator, ValidatedTokenCache cache, AccessTokenRevocations revocations)
{
    public const string AccessTokenType = "at+jwt";
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>
    /// Access token, ID token (scope <c>openid</c>) and refresh token (<c>offline_access</c>) for a user. The code flow passes its
    /// browser session (<c>sid</c>), the refresh family and access-token id it recorded with the code (so a replayed code can
    /// revoke them).
    /// </summary>
    public async Task<IssuedTokens> IssueForUserAsync(string issuer, Application app, User user, string scope,
        DateTimeOffset authTime, IReadOnlyList<string> amr, string? nonce, CancellationToken ct, string? refreshFamily = null,
        string? sessionId = null, string? accessJti = null)
    {
        var snapshot = await keys.GetAsync(ct);
        var now = clock.GetUtcNow();
        var lifetimes = options.Value;
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var credentials = new SigningCredentials(snapshot.Current, SecurityAlgorithms.RsaSha256);

        accessJti ??= Ids.NewId();
        var acr = AuthenticationMethods.AcrOf(amr);
        // The JWT's exp is this instant cut to whole seconds, so a revocation kept until this instant outlives the token.
        var accessExpiresAt = AccessTokenExpiry(now);
        var accessClaims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = user.Id,
            [JwtRegisteredClaimNames.Jti] = accessJti,
            ["scope"] = scope,
            ["client_id"] = app.Id,
            [JwtRegisteredClaimNames.AuthTime] = authTime.ToUnixTimeSeconds(),
            ["amr"] = amr.ToArray(),
            [JwtRegisteredClaimNames.Acr] = acr,
        };
        var accessToken = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = app.Id,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = accessExpiresAt.UtcDateTime,
            Claims = accessClaims,
            SigningCredentials = credentials,
            TokenType = AccessTokenType,
        });

        string? idToken = null;
        if (scopes.Contains("openid"))
        {
            var idClaims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = user.Id,
                [JwtRegisteredClaimNames.AuthTime] = authTime.ToUnixTimeSeconds(),
                ["amr"] = amr.ToArray(),
                [JwtRegisteredClaimNames.Acr] = acr,
            };
            if (nonce is not null)
            {
                idClaims[JwtRegisteredClaimNames.Nonce] = nonce;
            }

            if (sessionId is not null)
            {
                idClaims[JwtRegisteredClaimNames.Sid] = sessionId;
            }

            idClaims[JwtRegisteredClaimNames.AtHash] = AccessTokenHash(accessToken);

            AddProfileClaims(idClaims, user, scopes);
            idToken = Handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = app.Id,
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = now.AddSeconds(lifetimes.IdTokenLifetimeSeconds).UtcDateTime,
                Claims = idClaims,
                SigningCredentials = credentials,
                TokenType = "JWT",
            });
        }

        // The refresh token's row records the access token issued with it (the same insert, no extra round trip), so revoking
        // the family revokes it too.
        string? refreshToken = null;
        if (scopes.Contains("offline_access"))
        {
            refreshToken = Ids.NewOpaqueToken();
            await store.AddRefreshTokenAsync(new RefreshToken
            {
                Id = Ids.NewId(),
                TokenHash = Ids.HashToken(refreshToken),
                FamilyId = refreshFamily ?? Ids.NewId(),
                AppId = app.Id,
                UserId = user.Id,
                Scope = scope,
                AuthTime = authTime,
                Amr = AuthenticationMethods.Join(amr),
                CreatedAt = now,
                ExpiresAt = now.AddSeconds(lifetimes.RefreshTokenLifetimeSeconds),
                AccessTokenJti = accessJti,
                AccessTokenExpiresAt = accessExpiresAt,
            }, ct);
        }

        return new IssuedTokens(accessToken, idToken, refreshToken, lifetimes.AccessTokenLifetimeSeconds, scope);
    }

    /// <summary>The access token's hash an ID token carries (<c>at_hash</c>, OIDC Core §3.1.3.6): the left half of its SHA-256, base64url.</summary>
    public static string AccessTokenHash(string accessToken)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(accessToken));
        return Base64UrlEncoder.Encode(digest, 0, digest.Length / 2);
    }

    /// <summary>client_credentials: an access token whose subject is the application itself.</summary>
    public async Task<IssuedTokens> IssueForClientAsync(string issuer, Application app, string scope, CancellationToken ct)
    {
        var snapshot = await keys.GetAsync(ct);
        var now = clock.GetUtcNow();
        var lifetime = options.Value.AccessTokenLifetimeSeconds;
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = app.Id,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddSeconds(lifetime).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = app.Id,
                [JwtRegisteredClaimNames.Jti] = Ids.NewId(),
                ["scope"] = scope,
                ["client_id"] = app.Id,
            },
            SigningCredentials = new SigningCredentials(snapshot.Current, SecurityAlgorithms.RsaSha256),
            TokenType = AccessTokenType,
        });
        return new IssuedTokens(token, null, null, lifetime, scope);
    }

    /// <summary>
    /// Signature, type, issuer, lifetime and revocation. Any failure is <see cref="ErrorKind.NotLoggedIn"/>. Runs on every
    /// authenticated request, so it touches no database: a token seen before skips the signature check
    /// (<see cref="ValidatedTokenCache"/>), and revocation is a lookup in <see cref="AccessTokenRevocations"/>.
    /// </summary>
    public async Task<Result<AccessTokenInfo>> ValidateAccessTokenAsync(string issuer, string token, CancellationToken ct)
    {
        if (!ValidatedTokenCache.TokenDigest.TryOf(token, out var digest))
        {
            return Result<AccessTokenInfo>.Fail(ErrorKind.NotLoggedIn);
        }

        var snapshot = await keys.GetAsync(ct);
        await revocations.EnsureLoadedAsync(ct);
        var info = cache.Find(digest, issuer, snapshot, clock.GetUtcNow());
        if (info is null && await validator.ValidateAsync(issuer, token, snapshot) is { } checkedToken)
        {
            cache.Add(digest, issuer, checkedToken);
            info = checkedToken.Info;
        }

        return info is null || revocations.IsRevoked(info.Jti)
            ? Result<AccessTokenInfo>.Fail(ErrorKind.NotLoggedIn)
            : Result<AccessTokenInfo>.Ok(info);
    }

    public Task<RefreshToken?> FindRefreshTokenAsync(string value, CancellationToken ct) =>
        value.Length > 512 ? Task.FromResult<RefreshToken?>(null) : store.FindRefreshTokenAsync(Ids.HashToken(value), ct);

    public bool IsLive(RefreshToken token) =>
        token.ConsumedAt is null && token.RevokedAt is null && token.ExpiresAt > clock.GetUtcNow();

    /// <summary>
    /// Spends a refresh token (compare-and-set, so two racing refreshes cannot both win). Presenting an already consumed token
    /// revokes its whole family: either the client or a thief replayed it.
    /// </summary>
    public async Task<bool> TryConsumeRefreshTokenAsync(RefreshToken token, CancellationToken ct)
    {
        if (token.RevokedAt is null && token.ConsumedAt is not null)
        {
            await RevokeRefreshFamilyAsync(token, ct);
            return false;
        }

        if (!IsLive(token) || !await store.TryConsumeRefreshTokenAsync(token.Id, clock.GetUtcNow(), ct))
        {
            await RevokeRefreshFamilyAsync(token, ct);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Revokes every refresh token of the family and the unexpired access tokens issued with them: stored for every node (they
    /// see it at their next poll) and refused on this one at once.
    /// </summary>
    public Task RevokeRefreshFamilyAsync(RefreshToken token, CancellationToken ct) => RevokeFamilyAsync(token.FamilyId, ct);

    private async Task RevokeFamilyAsync(string familyId, CancellationToken ct)
    {
        foreach (var revoked in await store.RevokeRefreshFamilyAsync(familyId, clock.GetUtcNow(), ct))
        {
            revocations.Add(revoked.Jti, revoked.ExpiresAt);
        }
    }

    /// <summary>
    /// Ends the user's other sessions that hold a refresh token: each refresh-token family but the one <paramref name="current"/>
    /// came with, and the access tokens issued with them (as <see cref="RevokeRefreshFamilyAsync"/>). Access tokens issued
    /// without a refresh token are refused through the user (<see cref="Core.Users.User.TokensNotBefore"/>). Returns how many families ended.
    /// </summary>
    public Task<int> RevokeOtherSessionsAsync(AccessTokenInfo current, CancellationToken ct) => RevokeSessionsAsync(current.Subject, current.Jti, ct);

    /// <summary>Ends every refresh-token session of the user (a reset: no session is the caller's), as <see cref="RevokeOtherSessionsAsync"/>.</summary>
    public Task<int> RevokeAllSessionsAsync(string userId, CancellationToken ct) => RevokeSessionsAsync(userId, null, ct);

    private async Task<int> RevokeSessionsAsync(string userId, string? exceptAccessTokenJti, CancellationToken ct)
    {
        var families = await store.ListOtherRefreshFamiliesAsync(userId, exceptAccessTokenJti, ct);
        foreach (var family in families)
        {
            await RevokeFamilyAsync(family, ct);
        }

        return families.Count;
    }

    /// <summary>Stored for every node (they see it at their next poll) and refused on this one at once.</summary>
    public Task RevokeAccessTokenAsync(AccessTokenInfo info, CancellationToken ct) => RevokeAccessTokenAsync(info.Jti, info.ExpiresAt, ct);

    private async Task RevokeAccessTokenAsync(string jti, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await store.RevokeAccessTokenAsync(new RevokedAccessToken { Jti = jti, ExpiresAt = expiresAt, RevokedAt = clock.GetUtcNow() }, ct);
        revocations.Add(jti, expiresAt);
    }

    /// <summary>
    /// What the redemption of a code issued, when the code is presented again (RFC 6749 §4.1.2): its access token and the
    /// refresh-token family named after the code.
    /// </summary>
    public async Task RevokeIssuedWithCodeAsync(Core.SignIn.AuthorizationCode code, CancellationToken ct)
    {
        if (code.AccessTokenJti is { } jti && code.AccessTokenExpiresAt is { } expiresAt && expiresAt > clock.GetUtcNow())
        {
            await RevokeAccessTokenAsync(jti, expiresAt, ct);
        }

        await RevokeFamilyAsync(code.Id, ct);
    }

    /// <summary>When an access token issued now expires: recorded with a code before the token exists.</summary>
    public DateTimeOffset AccessTokenExpiry(DateTimeOffset issuedAt) => issuedAt.AddSeconds(options.Value.AccessTokenLifetimeSeconds);

    private static void AddProfileClaims(Dictionary<string, object> claims, User user, string[] scopes)
    {
        if (scopes.Contains("profile"))
        {
            Add(claims, "nickname", user.Nickname);
            Add(claims, "preferred_username", user.Username);
            Add(claims, "given_name", user.GivenName);
            Add(claims, "family_name", user.FamilyName);
            Add(claims, "name", ProfileClaims.Name(user));
            Add(claims, "picture", user.Photo);
            Add(claims, "gender", ProfileClaims.Gender(user));
            Add(claims, "birthdate", user.Birthdate);
            claims["updated_at"] = user.UpdatedAt.ToUnixTimeSeconds();
        }

        if (scopes.Contains("address") && ProfileClaims.Address(user) is { } address)
        {
            claims["address"] = address.ToDictionary(m => m.Key, m => (object)m.Value, StringComparer.Ordinal);
        }

        if (scopes.Contains("email") && user.Email is not null)
        {
            claims["email"] = user.Email;
            claims["email_verified"] = user.EmailVerified;
        }

        if (scopes.Contains("phone") && user.Phone is not null)
        {
            claims["phone_number"] = user.Phone;
            claims["phone_number_verified"] = user.PhoneVerified;
        }
    }

    private static void Add(Dictionary<string, object> claims, string name, string? value)
    {
        if (value is not null)
        {
            claims[name] = value;
        }
    }

}
