namespace Portcullis.Core.Pools;

/// <summary>A user pool: the namespace users live in. Applications belong to exactly one pool.</summary>
public sealed class UserPool
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    /// <summary>The MFA mode of the pool's applications that set none of their own (<see cref="Applications.MfaPolicy"/>).</summary>
    public Applications.MfaMode MfaMode { get; set; } = Applications.MfaPolicy.DefaultMode;

    public DateTimeOffset CreatedAt { get; init; }
}

public interface IUserPoolStore
{
    Task<UserPool?> FindAsync(string id, CancellationToken ct);

    Task<UserPool?> FindByNameAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<UserPool>> ListAsync(CancellationToken ct);

    /// <summary>Inserts the pool; false when one with that id already exists.</summary>
    Task<bool> TryCreateAsync(UserPool pool, CancellationToken ct);

    Task UpdateAsync(UserPool pool, CancellationToken ct);
}
