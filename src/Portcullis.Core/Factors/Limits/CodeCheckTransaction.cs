using Portcullis.Core.Audit;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// The statements one code check writes, run inside one storage transaction: the attempt reservation, the check's own
/// compare-and-set (TOTP step, recovery code, enrollment token, pass code, the sign-in it completes), the outcome (reset or lock) and the audit events commit together or not at all.
/// So a check costs one commit, and a crash between reserving and recording cannot leave a spent attempt behind.
/// </summary>
public interface ICodeCheckTransaction
{
    /// <summary>
    /// Atomically counts one attempt if the counter is below <paramref name="max"/> and not locked at <paramref name="now"/>.
    /// Reserving before checking the code is what keeps parallel guesses from slipping past the limit (ZITADEL GHSA-7h8m).
    /// </summary>
    ValueTask<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now);

    /// <summary>After a wrong code: if the counter reached <paramref name="max"/>, locks it until the returned time.</summary>
    ValueTask<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now);

    /// <summary>After a correct code: the failures and the backoff start again.</summary>
    ValueTask ResetAsync(string userId, string scope);

    /// <summary>Records <paramref name="step"/> as the OTP factor's last accepted step if it is later than the one recorded; false for a replay.</summary>
    ValueTask<bool> TryAdvanceTotpStepAsync(string factorId, long step);

    /// <summary>Replaces the recovery code hash if it is still <paramref name="expectedHash"/>; false when another request spent it first.</summary>
    ValueTask<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash);

    /// <summary>
    /// Counts one attempt on an enrollment token if it is unused and fewer than <paramref name="max"/> were made; false when it is
    /// exhausted or a parallel request has just spent it (a read of the token then tells which).
    /// </summary>
    ValueTask<bool> TryReserveEnrollmentAttemptAsync(string enrollmentId, int max);

    /// <summary>Consumes the enrollment request (compare-and-set) and inserts the factor (one per type per user), both or neither.</summary>
    ValueTask<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor);

    /// <summary>Counts one attempt on a pass code if fewer than <paramref name="max"/> were made.</summary>
    ValueTask<bool> TryReservePassCodeAttemptAsync(string passCodeId, int max);

    /// <summary>Spends a pass code; false when another request spent it first.</summary>
    ValueTask<bool> TryConsumePassCodeAsync(string passCodeId, DateTimeOffset at);

    /// <summary>Completes a sign-in waiting for its second factor (compare-and-set); false when it is completed or gone.</summary>
    ValueTask<bool> TryCompleteMfaSessionAsync(string sessionId, DateTimeOffset at);

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
