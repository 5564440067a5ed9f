namespace Portcullis.Core.Tokens;

/// <summary>
/// A refresh token, stored by the hash of its value. Refresh rotates it: the old one is consumed, a new one of the same family
/// issued; presenting a consumed one revokes the whole family (OAuth 2.0 Security BCP §4.14 reuse detection).
/// </summary>
public sealed class RefreshToken
{
    public required string Id { get; init; }

    public required string TokenHash { get; init; }

    public required string FamilyId { get; init; }

    public required string AppId { get; init; }

    public required string UserId { get; init; }

    public required string Scope { get; init; }

    public DateTimeOffset AuthTime { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ConsumedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>An access token revoked before its expiry, kept until it would have expired anyway.</summary>
public sealed class RevokedAccessToken
{
    public required string Jti { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }
}

public interface ITokenStore
{
    Task AddRefreshTokenAsync(RefreshToken token, CancellationToken ct);

    Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken ct);

    /// <summary>Marks the token consumed if it is still live; false when another request got there first.</summary>
    Task<bool> TryConsumeRefreshTokenAsync(string id, DateTimeOffset at, CancellationToken ct);

    Task RevokeRefreshFamilyAsync(string familyId, DateTimeOffset at, CancellationToken ct);

    Task RevokeAccessTokenAsync(RevokedAccessToken revoked, CancellationToken ct);

    Task<bool> IsAccessTokenRevokedAsync(string jti, CancellationToken ct);

    /// <summary>Deletes revocation entries and refresh tokens that are past expiry.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
