namespace Portcullis.Core.Tokens;

public enum SigningKeyStatus
{
    /// <summary>Signs new tokens. Exactly one key is current.</summary>
    Current,

    /// <summary>No longer signs, still published in the JWKS so tokens it signed keep validating until they expire.</summary>
    Previous,

    /// <summary>Neither signs nor validates.</summary>
    Retired,
}

/// <summary>An RSA signing key; the private key (PKCS#8) is encrypted at rest.</summary>
public sealed class SigningKey
{
    public required string Kid { get; init; }

    public required string ProtectedPrivateKey { get; init; }

    public SigningKeyStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RotatedAt { get; set; }
}

public interface ISigningKeyStore
{
    /// <summary>Current and previous keys, current first.</summary>
    Task<IReadOnlyList<SigningKey>> ListPublishedAsync(CancellationToken ct);

    /// <summary>Makes <paramref name="key"/> current and demotes the former current key to previous, atomically.</summary>
    Task RotateToAsync(SigningKey key, DateTimeOffset at, CancellationToken ct);
}
