namespace Portcullis.Core.Tokens;

/// <summary>
/// A refresh token, stored by the hash of its value. Refresh rotates it: the old one is consumed, a new one of the same family
/// issued; presenting a consumed one revokes the whole family (OAuth 2.0 Security BCP §4.14 reuse detection), and with it the
/// access tokens issued alongside its tokens.
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

    /// <summary>How the sign-in that started the family authenticated, space-separated <c>amr</c> values (<see cref="AuthenticationMethods"/>).</summary>
    public string? Amr { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ConsumedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// The access token issued together with this refresh token (at sign-in or at the rotation that issued it), revoked when the
    /// family is. Null only on rows written before the column existed.
    /// </summary>
    public string? AccessTokenJti { get; init; }

    public DateTimeOffset? AccessTokenExpiresAt { get; init; }
}

/// <summary>An access token revoked before its expiry, kept until it would have expired anyway.</summary>
public sealed class RevokedAccessToken
{
    /// <summary>
    /// What rows written without a revocation time hold (rows from before the column existed, or written by a node still running
    /// an older version during a rolling upgrade). Later than every poll cursor, so every node re-reads them until they expire.
    /// </summary>
    public static readonly DateTimeOffset Undated = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public required string Jti { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it was revoked, by the revoking node's clock: the cursor other nodes poll by.</summary>
    public DateTimeOffset RevokedAt { get; init; }
}

/// <summary>
/// A position in the revocations ordered by (<see cref="RevokedAccessToken.RevokedAt"/>, <see cref="RevokedAccessToken.Jti"/>):
/// a page holds the rows strictly after it.
/// </summary>
public readonly record struct RevocationCursor(DateTimeOffset RevokedAt, string Jti)
{
    /// <summary>Before every row revoked at or after <paramref name="at"/> (no jti is empty).</summary>
    public static RevocationCursor From(DateTimeOffset at) => new(at, "");

    public static RevocationCursor After(RevokedAccessToken row) => new(row.RevokedAt, row.Jti);
}

public interface ITokenStore
{
    Task AddRefreshTokenAsync(RefreshToken token, CancellationToken ct);

    Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken ct);

    /// <summary>Marks the token consumed if it is still live; false when another request got there first.</summary>
    Task<bool> TryConsumeRefreshTokenAsync(string id, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Revokes every refresh token of the family and, in the same transaction, the access tokens issued with them that have
    /// not expired at <paramref name="at"/> (revocation rows stamped <paramref name="at"/>; a row already there is kept, so
    /// revoking again, or on two nodes at once, is harmless). Returns those access tokens' revocations, for the caller to refuse
    /// them at once.
    /// </summary>
    Task<IReadOnlyList<RevokedAccessToken>> RevokeRefreshFamilyAsync(string familyId, DateTimeOffset at, CancellationToken ct);

    Task RevokeAccessTokenAsync(RevokedAccessToken revoked, CancellationToken ct);

    /// <summary>
    /// The live refresh-token families of a user, except the one whose tokens include the access token
    /// <paramref name="exceptAccessTokenJti"/> (the caller's own session), if any.
    /// </summary>
    Task<IReadOnlyList<string>> ListOtherRefreshFamiliesAsync(string userId, string? exceptAccessTokenJti, CancellationToken ct);

    /// <summary>
    /// Revocations after <paramref name="after"/> that have not expired at <paramref name="now"/>, in cursor order, at most
    /// <paramref name="limit"/>: each node keeps the revocation list in memory and reads what is new with this.
    /// </summary>
    Task<IReadOnlyList<RevokedAccessToken>> ListAccessTokenRevocationsAsync(RevocationCursor after, DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Deletes revocation entries and refresh tokens that are past expiry.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
