using Portcullis.Core.Applications;

namespace Portcullis.Core.Factors;

public enum BindOutcome
{
    Bound,

    /// <summary>The enrollment token was consumed by a concurrent request.</summary>
    TokenAlreadyUsed,

    /// <summary>The user already has a factor of this type.</summary>
    AlreadyBound,
}

public interface IFactorStore
{
    Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct);

    Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct);

    Task<Factor?> FindByTypeAsync(string userId, FactorType type, CancellationToken ct);

    /// <summary>In one transaction: consume the enrollment request (compare-and-set) and insert the factor.</summary>
    Task<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor, CancellationToken ct);

    Task<bool> DeleteAsync(string userId, string factorId, CancellationToken ct);

    /// <summary>Records <paramref name="step"/> as the last accepted TOTP step if it is later than the one recorded; false for a replay.</summary>
    Task<bool> TryAdvanceTotpStepAsync(string factorId, long step, CancellationToken ct);

    /// <summary>Replaces the recovery code hash if it is still <paramref name="expectedHash"/>; false when another request spent it first.</summary>
    Task<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash, CancellationToken ct);
}

public interface IEnrollmentStore
{
    Task AddAsync(EnrollmentRequest request, CancellationToken ct);

    Task<EnrollmentRequest?> FindByTokenHashAsync(string tokenHash, CancellationToken ct);

    /// <summary>
    /// Counts one attempt if the token is unused and fewer than <paramref name="max"/> were made; false when it is exhausted or
    /// a parallel request has just spent it (a read of the token then tells which).
    /// </summary>
    Task<bool> TryReserveAttemptAsync(string id, int max, CancellationToken ct);

    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct);
}
