namespace Portcullis.Core.SignIn;

/// <summary>
/// A sign-in that passed its first factor and waits for the second, found by the hash of its mfaToken (the token itself is
/// never stored). Bound to the user, the application and the first factor; it lives a few minutes and is completed once.
/// </summary>
public sealed class MfaSession
{
    public required string Id { get; init; }

    public required string TokenHash { get; init; }

    public required string PoolId { get; init; }

    public required string AppId { get; init; }

    public required string UserId { get; init; }

    /// <summary>How the first factor was passed, as an <c>amr</c> value (<see cref="Tokens.AuthenticationMethods"/>).</summary>
    public required string FirstFactor { get; init; }

    /// <summary>Where the first factor's code went (a PASSCODE sign-in): the factor for that recipient cannot be the second.</summary>
    public string? FirstFactorRecipient { get; init; }

    /// <summary>The scope the first-factor request asked for; the tokens issued on completion carry it.</summary>
    public required string Scope { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Set once, by the answer that completed the sign-in; a completed session answers nothing more.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>
    /// A factor being bound during this sign-in (the policy requires one the user lacks): its enrollment token, encrypted,
    /// because the wire's confirm call names no token of its own.
    /// </summary>
    public string? ProtectedEnrollmentToken { get; init; }

    /// <summary>Not completed and not expired at <paramref name="now"/>: the rule the completing compare-and-set applies in SQL too.</summary>
    public bool IsLive(DateTimeOffset now) => CompletedAt is null && ExpiresAt > now;
}

public interface IMfaSessionStore
{
    Task AddAsync(MfaSession session, CancellationToken ct);

    Task<MfaSession?> FindAsync(string tokenHash, CancellationToken ct);

    /// <summary>Remembers the enrollment started during the session; false when it is no longer pending.</summary>
    Task<bool> TrySetEnrollmentAsync(string sessionId, string protectedEnrollmentToken, CancellationToken ct);

    /// <summary>Deletes sessions past expiry.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
