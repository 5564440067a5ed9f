namespace Portcullis.Core.Common;

/// <summary>
/// A secret of this deployment kept in the database, encrypted with <see cref="ISecretProtector"/> (so with the key ring, whose
/// key-encryption certificate stays outside the database): whoever holds only a database dump cannot read it.
/// </summary>
public sealed class DeploymentSecret
{
    public required string Name { get; init; }

    public required string ProtectedValue { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

public interface IDeploymentSecretStore
{
    Task<DeploymentSecret?> FindAsync(string name, CancellationToken ct);

    /// <summary>Adds the secret; false (nothing written) when one of that name exists: another node created it first.</summary>
    Task<bool> TryAddAsync(DeploymentSecret secret, CancellationToken ct);
}
