using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Sqlite;

/// <summary>Code checks on SQLite: the whole check is one piece of work for the <see cref="SqliteWriter"/>.</summary>
internal sealed class SqliteCodeCheckStore(SqliteWriter writer) : ICodeCheckStore
{
    public Task<T> RunAsync<T>(Func<ICodeCheckTransaction, ValueTask<T>> work, CancellationToken ct) =>
        writer.RunAsync(connection =>
        {
            var pending = work(new SqliteCodeCheckTransaction(connection));
            // The writer runs one piece of work at a time on its own thread: the work must not wait for anything else.
            return pending.IsCompleted ? pending.Result : throw new InvalidOperationException("A code check yielded inside its transaction.");
        }, ct);
}

/// <summary>The statements of <see cref="ICodeCheckTransaction"/> as prepared SQLite statements (the same rules as the EF stores).</summary>
internal sealed class SqliteCodeCheckTransaction(PreparedConnection db) : ICodeCheckTransaction
{
    public ValueTask<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now)
    {
        // Insert on first use, else count one more attempt while below the limit and unlocked: one statement either way.
        var reserved = db.Execute(
            """
            INSERT INTO mfa_attempt_counters ("UserId", "Scope", "Failures", "Lockouts") VALUES ($0, $1, 1, 0)
            ON CONFLICT ("UserId", "Scope") DO UPDATE SET "Failures" = "Failures" + 1
            WHERE "Failures" < $2 AND ("LockedUntil" IS NULL OR "LockedUntil" <= $3)
            """, userId, scope, max, now.UtcTicks);
        if (reserved == 1)
        {
            return ValueTask.FromResult(AttemptReservation.Granted);
        }

        var until = ReadCounter(userId, scope)?.LockedUntil;
        return ValueTask.FromResult(AttemptReservation.Locked(until is { } u && u > now ? u : now));
    }

    public ValueTask<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now)
    {
        if (ReadCounter(userId, scope) is not { } counter || counter.Failures < max)
        {
            return ValueTask.FromResult<DateTimeOffset?>(null);
        }

        var until = now + AttemptCounter.LockoutAfter(counter.Lockouts, baseLockout, maxLockout);
        db.Execute(
            """
            UPDATE mfa_attempt_counters SET "Failures" = 0, "LockedUntil" = $2, "Lockouts" = "Lockouts" + 1
            WHERE "UserId" = $0 AND "Scope" = $1
            """, userId, scope, until.UtcTicks);
        return ValueTask.FromResult<DateTimeOffset?>(until);
    }

    public ValueTask ResetAsync(string userId, string scope)
    {
        db.Execute(
            """
            UPDATE mfa_attempt_counters SET "Failures" = 0, "Lockouts" = 0, "LockedUntil" = NULL
            WHERE "UserId" = $0 AND "Scope" = $1 AND ("Failures" <> 0 OR "Lockouts" <> 0 OR "LockedUntil" IS NOT NULL)
            """, userId, scope);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TryAdvanceTotpStepAsync(string factorId, long step) => ValueTask.FromResult(db.Execute(
        """
        UPDATE mfa_factors SET "LastAcceptedStep" = $1
        WHERE "Id" = $0 AND ("LastAcceptedStep" IS NULL OR "LastAcceptedStep" < $1)
        """, factorId, step) == 1);

    public ValueTask<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash) => ValueTask.FromResult(db.Execute(
        """UPDATE mfa_factors SET "RecoveryCodeHash" = $2 WHERE "Id" = $0 AND "RecoveryCodeHash" = $1""",
        factorId, expectedHash, newHash) == 1);

    public ValueTask<bool> TryReserveEnrollmentAttemptAsync(string enrollmentId, int max) => ValueTask.FromResult(db.Execute(
        """UPDATE mfa_enrollment_requests SET "FailedAttempts" = "FailedAttempts" + 1 WHERE "Id" = $0 AND "FailedAttempts" < $1""",
        enrollmentId, max) == 1);

    public ValueTask<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor)
    {
        // Its own savepoint: a refused insert must also undo the consumed token, and nothing else of the check.
        db.Execute("SAVEPOINT bind_factor");
        var outcome = ConsumeAndInsert(enrollmentId, at, factor);
        if (outcome != BindOutcome.Bound)
        {
            db.Execute("ROLLBACK TO bind_factor");
        }

        db.Execute("RELEASE bind_factor");

        return ValueTask.FromResult(outcome);
    }

    private BindOutcome ConsumeAndInsert(string enrollmentId, DateTimeOffset at, Factor f)
    {
        if (db.Execute("""UPDATE mfa_enrollment_requests SET "ConsumedAt" = $1 WHERE "Id" = $0 AND "ConsumedAt" IS NULL""", enrollmentId, at.UtcTicks) != 1)
        {
            return BindOutcome.TokenAlreadyUsed;
        }

        // ON CONFLICT DO NOTHING on the (UserId, Type) index: no row inserted means the user already has one of this type.
        var inserted = db.Execute(
            $"""
            INSERT INTO mfa_factors ({SqliteRows.FactorColumns}) VALUES ($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT ("UserId", "Type") DO NOTHING
            """,
            f.Id, f.UserId, f.AppId, f.Type.ToString(), f.PhoneNumber, f.PhoneCountryCode, f.Email, f.ProtectedSecret, f.LastAcceptedStep,
            f.RecoveryCodeHash, f.PhotoKey, f.PhotoHash, f.CreatedAt.UtcTicks);
        return inserted == 1 ? BindOutcome.Bound : BindOutcome.AlreadyBound;
    }

    public ValueTask AuditAsync(AuditEvent e)
    {
        db.Execute(
            """
            INSERT INTO audit_events ("At", "Type", "UserId", "AppId", "FactorType", "Outcome", "Detail")
            VALUES ($0, $1, $2, $3, $4, $5, $6)
            """, e.At.UtcTicks, e.Type, e.UserId, e.AppId, e.FactorType, e.Outcome, e.Detail);
        return ValueTask.CompletedTask;
    }

    private (int Failures, int Lockouts, DateTimeOffset? LockedUntil)? ReadCounter(string userId, string scope)
    {
        using var reader = db.Command(
            """SELECT "Failures", "Lockouts", "LockedUntil" FROM mfa_attempt_counters WHERE "UserId" = $0 AND "Scope" = $1""",
            userId, scope).ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return (reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero));
    }
}
