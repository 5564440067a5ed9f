namespace Portcullis.Core.SignIn;

/// <summary>
/// An authorization code of the OIDC code flow, found by its hash (the code itself is never stored). It is bound to the
/// application, the redirect URI and the PKCE challenge it was issued for, lives <see cref="HostedSignInOptions.AuthorizationCodeLifetimeSeconds"/>
/// and is redeemed once: the redemption records the access token it issued, so a replay can revoke what the first
/// redemption issued (RFC 6749 §4.1.2), with the refresh-token family whose id is the code's <see cref="Id"/>.
/// </summary>
public sealed class AuthorizationCode
{
    public required string Id { get; init; }

    public required string CodeHash { get; init; }

    public required string AppId { get; init; }

    public required string UserId { get; init; }

    /// <summary>The browser session (<c>sid</c>) the code was issued in.</summary>
    public required string SessionId { get; init; }

    public required string RedirectUri { get; init; }

    public required string Scope { get; init; }

    public string? Nonce { get; init; }

    /// <summary>The S256 PKCE challenge, when the request carried one: the redemption must then present its verifier.</summary>
    public string? CodeChallenge { get; init; }

    public DateTimeOffset AuthTime { get; init; }

    /// <summary>The session's <c>amr</c>, space-separated (<see cref="Tokens.AuthenticationMethods.Join"/>).</summary>
    public required string Amr { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Set once, by the redemption that issued tokens.</summary>
    public DateTimeOffset? RedeemedAt { get; init; }

    /// <summary>The access token the redemption issued, revoked if the code is presented again.</summary>
    public string? AccessTokenJti { get; init; }

    public DateTimeOffset? AccessTokenExpiresAt { get; init; }
}

public interface IAuthorizationCodeStore
{
    Task AddAsync(AuthorizationCode code, CancellationToken ct);

    Task<AuthorizationCode?> FindAsync(string codeHash, CancellationToken ct);

    /// <summary>
    /// Marks the code redeemed with the access token about to be issued (compare-and-set on <see cref="AuthorizationCode.RedeemedAt"/>
    /// being null); false when another redemption won.
    /// </summary>
    Task<bool> TryRedeemAsync(string id, DateTimeOffset now, string accessTokenJti, DateTimeOffset accessTokenExpiresAt, CancellationToken ct);

    /// <summary>Deletes codes that expired before <paramref name="before"/>.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct);
}
