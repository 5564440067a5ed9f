namespace Portcullis.Core.SignIn;

/// <summary>
/// A user's single sign-on session with the hosted pages, found by the hash of its cookie (the cookie's value is never
/// stored). Scoped to a user pool: every application of the pool signs in through it without the password again, and asks
/// for a second factor again when the session has not passed one (<see cref="Amr"/>). Its <see cref="Id"/> is the
/// <c>sid</c> claim of the ID tokens issued through it.
/// </summary>
public sealed class BrowserSession
{
    public required string Id { get; init; }

    public required string TokenHash { get; init; }

    public required string PoolId { get; init; }

    public required string UserId { get; init; }

    /// <summary>When the user last entered a first factor (<c>auth_time</c>).</summary>
    public DateTimeOffset AuthTime { get; init; }

    /// <summary>The methods passed in this session, space-separated (<see cref="Tokens.AuthenticationMethods.Join"/>).</summary>
    public required string Amr { get; init; }

    /// <summary>
    /// Where the first factor's code went, when it was a code (<see cref="FirstFactor.Recipient"/>): a step-up may not answer with
    /// the factor of that same phone or address.
    /// </summary>
    public string? FirstFactorRecipient { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Set by sign-out; an ended session signs nobody in.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    public bool IsLive(DateTimeOffset now) => EndedAt is null && ExpiresAt > now;
}

public interface IBrowserSessionStore
{
    Task AddAsync(BrowserSession session, CancellationToken ct);

    Task<BrowserSession?> FindAsync(string tokenHash, CancellationToken ct);

    /// <summary>Records the methods after a step-up (a second factor passed in the session); false when the session has ended.</summary>
    Task<bool> TrySetAmrAsync(string id, string amr, CancellationToken ct);

    /// <summary>Ends the session; false when it had already ended or does not exist.</summary>
    Task<bool> TryEndAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Deletes sessions that expired, or ended, before <paramref name="before"/>.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct);
}
