namespace Portcullis.Core.Tokens;

/// <summary>Where a key stands at a given instant; decided by its times alone, so every node reading the same rows agrees.</summary>
public enum SigningKeyPhase
{
    /// <summary>Published in the JWKS, not signing yet: every node and every verifier's cached JWKS learns it first.</summary>
    Staged,

    /// <summary>Signs new tokens. At any instant one key is current.</summary>
    Current,

    /// <summary>No longer signs, still published so the tokens it signed keep validating until they expire.</summary>
    Previous,

    /// <summary>Neither signs nor validates.</summary>
    Retired,
}

/// <summary>An RSA signing key; the private key (PKCS#8) is encrypted at rest.</summary>
public sealed class SigningKey
{
    public required string Kid { get; init; }

    public required string ProtectedPrivateKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>From this instant the key signs (until a later key activates).</summary>
    public DateTimeOffset ActivatesAt { get; set; }

    /// <summary>When a later key took over signing; unset while no later key exists.</summary>
    public DateTimeOffset? RotatedAt { get; set; }

    /// <summary>When an operator withdrew the key by hand (a compromised key); unset otherwise.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    /// <param name="keepPublished">How long a key stays published after it stopped signing: the longest lifetime of what it signed.</param>
    public SigningKeyPhase PhaseAt(DateTimeOffset now, TimeSpan keepPublished) =>
        RetiredAt <= now ? SigningKeyPhase.Retired
        : ActivatesAt > now ? SigningKeyPhase.Staged
        : RotatedAt is not { } rotated || rotated > now ? SigningKeyPhase.Current
        : rotated + keepPublished > now ? SigningKeyPhase.Previous
        : SigningKeyPhase.Retired;
}

public interface ISigningKeyStore
{
    /// <summary>
    /// Keys not retired by hand that were still signing after <paramref name="rotatedAfter"/> (or still are, or will): every key
    /// whose tokens may be unexpired. Latest activation first.
    /// </summary>
    Task<IReadOnlyList<SigningKey>> ListPublishedAsync(DateTimeOffset rotatedAfter, CancellationToken ct);

    /// <summary>
    /// Adds <paramref name="key"/>, which signs from its <see cref="SigningKey.ActivatesAt"/>; atomically, every earlier key
    /// stops signing then (one staged for later than that never signs). Rotations on several nodes run one after the other.
    /// </summary>
    Task RotateToAsync(SigningKey key, CancellationToken ct);

    /// <summary>
    /// Adds <paramref name="key"/> as <see cref="RotateToAsync"/> does, unless some key signs at its
    /// <see cref="SigningKey.ActivatesAt"/> already: the first key of a deployment, which several nodes starting together must
    /// not each create (each would sign with its own until the others reloaded). False when one was there.
    /// </summary>
    Task<bool> AddFirstAsync(SigningKey key, CancellationToken ct);

    /// <summary>Withdraws a key by hand; false when no such key exists or it is withdrawn already.</summary>
    Task<bool> RetireAsync(string kid, DateTimeOffset at, CancellationToken ct);
}
