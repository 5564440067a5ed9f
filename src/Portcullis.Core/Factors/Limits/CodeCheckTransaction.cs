using Portcullis.Core.Audit;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// The statements one code check writes, run inside one storage transaction: the attempt reservation, the check's own
/// compare-and-set (TOTP step, recovery code), the outcome (reset or lock) and the audit events commit together or not at all.
/// So a check costs one commit, and a crash between reserving and recording cannot leave a spent attempt behind.
/// </summary>
public interface ICodeCheckTransaction
{
    /// <inheritdoc cref="IAttemptCounterStore.TryReserveAsync"/>
    ValueTask<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now);

    /// <inheritdoc cref="IAttemptCounterStore.LockIfExhaustedAsync"/>
    ValueTask<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now);

    /// <inheritdoc cref="IAttemptCounterStore.ResetAsync"/>
    ValueTask ResetAsync(string userId, string scope);

    /// <inheritdoc cref="IFactorStore.TryAdvanceTotpStepAsync"/>
    ValueTask<bool> TryAdvanceTotpStepAsync(string factorId, long step);

    /// <inheritdoc cref="IFactorStore.TryReplaceRecoveryCodeAsync"/>
    ValueTask<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash);

    /// <inheritdoc cref="IEnrollmentStore.TryReserveAttemptAsync"/>
    ValueTask<bool> TryReserveEnrollmentAttemptAsync(string enrollmentId, int max);

    /// <inheritdoc cref="IFactorStore.BindAsync"/>
    ValueTask<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor);

    ValueTask AuditAsync(AuditEvent auditEvent);
}

public interface ICodeCheckStore
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it before the returned task completes; if it throws,
    /// nothing it wrote remains. <paramref name="work"/> may await only the transaction's own methods: a store may run it
    /// on a single writer and requires it to finish without yielding.
    /// </summary>
    Task<T> RunAsync<T>(Func<ICodeCheckTransaction, ValueTask<T>> work, CancellationToken ct);
}
