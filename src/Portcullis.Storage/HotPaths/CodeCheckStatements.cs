using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.HotPaths;

/// <summary>
/// The rules of <see cref="ICodeCheckTransaction"/> as SQL (<see cref="HotSql"/>), written once for both providers. A provider says how a statement runs, inside its one transaction: SQLite at once on the writer's
/// connection, PostgreSQL in batches (a statement whose outcome the check does not need waits for the next round trip).
/// </summary>
/// <param name="clientIp">The address of the client the check serves, read when the transaction began; audit rows carry it.</param>
internal abstract class CodeCheckStatements(string? clientIp) : ICodeCheckTransaction
{
    // The counter as this transaction's reservation left it. The reservation keeps its row locked until the commit (a row
    // lock on PostgreSQL, the single writer on SQLite), so it cannot change meanwhile and need not be read again.
    private (string UserId, string Scope, CounterRow Row)? _reserved;

    /// <summary>Runs <paramref name="sql"/> after whatever was deferred; the number of rows it changed.</summary>
    protected abstract ValueTask<int> ExecuteAsync(string sql, params object?[] values);

    /// <summary>Runs <paramref name="sql"/> after whatever was deferred; its first row as a counter, or null.</summary>
    protected abstract ValueTask<CounterRow?> ReadCounterAsync(string sql, params object?[] values);

    /// <summary>A statement whose outcome the check does not need: it runs, in order, before the next one that has one, or at the commit.</summary>
    protected abstract void Defer(string sql, params object?[] values);

    public async ValueTask<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now)
    {
        if (await ReadCounterAsync(HotSql.ReserveAttempt, userId, scope, max, now) is { } counted)
        {
            _reserved = (userId, scope, counted);
            return AttemptReservation.Granted;
        }

        // Refused: the row exists, and the refusal locked it as well.
        var current = await ReadCounterAsync(HotSql.ReadCounter, userId, scope);
        if (current is { } row)
        {
            _reserved = (userId, scope, row);
        }

        return AttemptReservation.Locked(current?.LockedUntil is { } until && until > now ? until : now);
    }

    public async ValueTask<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now)
    {
        // Without this transaction's reservation the row is not locked: the update is a compare-and-set on what was read,
        // read again when another check locked or reset the counter in between.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var counter = Reserved(userId, scope) ?? await ReadCounterAsync(HotSql.ReadCounter, userId, scope);
            _reserved = null;
            if (counter is not { } c || c.Failures < max)
            {
                return null;
            }

            var until = now + AttemptCounter.LockoutAfter(c.Lockouts, baseLockout, maxLockout);
            if (await ExecuteAsync(HotSql.LockCounter, userId, scope, until, max, c.Lockouts) == 1)
            {
                return until;
            }
        }

        return null;
    }

    public ValueTask ResetAsync(string userId, string scope)
    {
        _reserved = null;
        Defer(HotSql.ResetCounter, userId, scope);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<bool> TryAdvanceTotpStepAsync(string factorId, long step) =>
        await ExecuteAsync(HotSql.AdvanceTotpStep, factorId, step) == 1;

    public async ValueTask<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash) =>
        await ExecuteAsync(HotSql.ReplaceRecoveryCode, factorId, expectedHash, newHash) == 1;

    public async ValueTask<bool> TryReserveEnrollmentAttemptAsync(string enrollmentId, int max) =>
        await ExecuteAsync(HotSql.ReserveEnrollmentAttempt, enrollmentId, max) == 1;

    public async ValueTask<bool> TryReservePassCodeAttemptAsync(string passCodeId, int max) =>
        await ExecuteAsync(HotSql.ReservePassCodeAttempt, passCodeId, max) == 1;

    public async ValueTask<bool> TryConsumePassCodeAsync(string passCodeId, DateTimeOffset at) =>
        await ExecuteAsync(HotSql.ConsumePassCode, passCodeId, at) == 1;

    public async ValueTask<bool> TryCompleteMfaSessionAsync(string sessionId, DateTimeOffset at) =>
        await ExecuteAsync(HotSql.CompleteMfaSession, sessionId, at) == 1;

    public async ValueTask<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor)
    {
        // Its own savepoint: a refused insert must also undo the consumed token, and nothing else of the check.
        Defer(HotSql.SavepointBind);
        var outcome = await ConsumeAndInsertAsync(enrollmentId, at, factor);
        if (outcome != BindOutcome.Bound)
        {
            Defer(HotSql.RollbackToBind);
        }

        Defer(HotSql.ReleaseBind);
        return outcome;
    }

    private async ValueTask<BindOutcome> ConsumeAndInsertAsync(string enrollmentId, DateTimeOffset at, Factor f)
    {
        if (await ExecuteAsync(HotSql.ConsumeEnrollment, enrollmentId, at) != 1)
        {
            return BindOutcome.TokenAlreadyUsed;
        }

        var inserted = await ExecuteAsync(HotSql.InsertFactor,
            f.Id, f.UserId, f.AppId, f.Type.Name, f.PhoneNumber, f.PhoneCountryCode, f.Email, f.ProtectedSecret, f.LastAcceptedStep,
            f.RecoveryCodeHash, f.PhotoKey, f.PhotoHash, f.CreatedAt);
        return inserted == 1 ? BindOutcome.Bound : BindOutcome.AlreadyBound;
    }

    public ValueTask AuditAsync(AuditEvent e)
    {
        Defer(HotSql.InsertAudit, e.At, e.Type, e.UserId, e.AppId, e.FactorType, e.Outcome, e.Detail, e.ClientIp ?? clientIp);
        return ValueTask.CompletedTask;
    }

    private CounterRow? Reserved(string userId, string scope) =>
        _reserved is { } r && r.UserId == userId && r.Scope == scope ? r.Row : null;
}
