namespace Portcullis.Core.Factors;

/// <summary>How binding a factor ended (<see cref="Limits.ICodeCheckTransaction.BindAsync"/>).</summary>
public enum BindOutcome
{
    Bound,

    /// <summary>The enrollment token was consumed by a concurrent request.</summary>
    TokenAlreadyUsed,

    /// <summary>The user already has a factor of this type.</summary>
    AlreadyBound,
}

/// <summary>Bound factors. Their writes during a check (bind, TOTP step, recovery code) go through <see cref="Limits.ICodeCheckTransaction"/>.</summary>
public interface IFactorStore
{
    Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct);

    Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct);

    Task<Factor?> FindByTypeAsync(string userId, FactorType type, CancellationToken ct);

    /// <summary>One of the user's factors bound before <paramref name="before"/>, or null when there is none.</summary>
    Task<Factor?> FindBoundBeforeAsync(string userId, DateTimeOffset before, CancellationToken ct);

    /// <summary>
    /// The user's factor of <paramref name="type"/> or, when there is none, their first bound factor (null when they have none):
    /// what binding a factor must know, in one read (is the type taken; and <see cref="Users.StepUp"/>).
    /// </summary>
    Task<Factor?> FindOfTypeOrFirstAsync(string userId, FactorType type, CancellationToken ct);

    Task<bool> DeleteAsync(string userId, string factorId, CancellationToken ct);
}

public interface IEnrollmentStore
{
    Task AddAsync(EnrollmentRequest request, CancellationToken ct);

    Task<EnrollmentRequest?> FindByTokenHashAsync(string tokenHash, CancellationToken ct);

    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct);
}
