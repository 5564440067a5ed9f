using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Tests.Fakes;

/// <summary>A <see cref="ICodeCheckTransaction"/> over the in-memory stores, each statement applied at once.</summary>
public sealed class AutoCommitCheck(InMemoryAttemptCounterStore counters, InMemoryFactorStore? factors, IAuditLog audit, CancellationToken ct)
    : ICodeCheckTransaction
{
    private InMemoryFactorStore Factors => factors ?? throw new InvalidOperationException("This check was given no factor store.");

    public async ValueTask<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now) =>
        await counters.TryReserveAsync(userId, scope, max, now, ct);

    public async ValueTask<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now) =>
        await counters.LockIfExhaustedAsync(userId, scope, max, baseLockout, maxLockout, now, ct);

    public async ValueTask ResetAsync(string userId, string scope) => await counters.ResetAsync(userId, scope, ct);

    public async ValueTask<bool> TryAdvanceTotpStepAsync(string factorId, long step) => await Factors.TryAdvanceTotpStepAsync(factorId, step, ct);

    public async ValueTask<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash) =>
        await Factors.TryReplaceRecoveryCodeAsync(factorId, expectedHash, newHash, ct);

    public async ValueTask<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor) =>
        await Factors.BindAsync(enrollmentId, at, factor, ct);

    // Enrollment tokens and pass codes are stored only by the storage layer: its conformance tests cover these statements.
    public ValueTask<bool> TryReserveEnrollmentAttemptAsync(string enrollmentId, int max) => throw NotInCoreTests();

    public ValueTask<bool> TryReservePassCodeAttemptAsync(string passCodeId, int max) => throw NotInCoreTests();

    public ValueTask<bool> TryConsumePassCodeAsync(string passCodeId, DateTimeOffset at) => throw NotInCoreTests();

    public ValueTask<bool> TryCompleteMfaSessionAsync(string sessionId, DateTimeOffset at) => throw NotInCoreTests();

    private static NotSupportedException NotInCoreTests() => new("Core tests keep no enrollment tokens, pass codes or sign-in sessions.");

    public async ValueTask AuditAsync(AuditEvent auditEvent) => await audit.WriteAsync(auditEvent, ct);
}
