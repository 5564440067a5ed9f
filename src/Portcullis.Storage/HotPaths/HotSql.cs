namespace Portcullis.Storage.HotPaths;

/// <summary>
/// The statements of the hot paths, one text for both providers: SQLite and PostgreSQL share this dialect (ON CONFLICT,
/// RETURNING, savepoints), and <c>$1</c>, <c>$2</c>, … are positional parameters to Npgsql and named ones to SQLite.
/// Instants are bound as each provider stores them (see the statement runners).
/// </summary>
internal static class HotSql
{
    public const string UserById = $"""SELECT {HotRows.UserColumns} FROM users WHERE "PoolId" = $1 AND "Id" = $2""";
    public const string UserByEmail = $"""SELECT {HotRows.UserColumns} FROM users WHERE "PoolId" = $1 AND "Email" = $2""";
    public const string UserByUsername = $"""SELECT {HotRows.UserColumns} FROM users WHERE "PoolId" = $1 AND "Username" = $2""";
    public const string UserByPhone = $"""SELECT {HotRows.UserColumns} FROM users WHERE "PoolId" = $1 AND "Phone" = $2""";

    public const string RecordSignIn = """UPDATE users SET "LoginsCount" = "LoginsCount" + 1, "LastLogin" = $2 WHERE "Id" = $1""";

    public const string RecordSignInWithRehash =
        """UPDATE users SET "LoginsCount" = "LoginsCount" + 1, "LastLogin" = $2, "PasswordHash" = $3, "UpdatedAt" = $2 WHERE "Id" = $1""";

    public const string FactorByType = $"""SELECT {HotRows.FactorColumns} FROM mfa_factors WHERE "UserId" = $1 AND "Type" = $2""";

    /// <summary>The factor of the type sorts first (a true comparison sorts after false on both databases), then the oldest.</summary>
    public const string FactorOfTypeOrFirst =
        $"""SELECT {HotRows.FactorColumns} FROM mfa_factors WHERE "UserId" = $1 ORDER BY ("Type" = $2) DESC, "CreatedAt" LIMIT 1""";

    public const string FactorBoundBefore = $"""SELECT {HotRows.FactorColumns} FROM mfa_factors WHERE "UserId" = $1 AND "CreatedAt" < $2 LIMIT 1""";

    public const string InsertEnrollment =
        $"""
        INSERT INTO mfa_enrollment_requests ({HotRows.EnrollmentColumns})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        """;

    public const string EnrollmentByTokenHash = $"""SELECT {HotRows.EnrollmentColumns} FROM mfa_enrollment_requests WHERE "TokenHash" = $1""";

    /// <summary>
    /// Inserts the counter on first use, else counts one more attempt while below the limit ($3) and unlocked at $4; returns the
    /// counter when it counted, no row when it refused. Either way the row stays locked until the commit (PostgreSQL locks
    /// the conflicting row even when the WHERE refuses the update).
    /// </summary>
    public const string ReserveAttempt =
        $"""
        INSERT INTO mfa_attempt_counters ("UserId", "Scope", "Failures", "Lockouts", "LastFailureAt") VALUES ($1, $2, 1, 0, $4)
        ON CONFLICT ("UserId", "Scope") DO UPDATE SET "Failures" = mfa_attempt_counters."Failures" + 1, "LastFailureAt" = $4
        WHERE mfa_attempt_counters."Failures" < $3
          AND (mfa_attempt_counters."LockedUntil" IS NULL OR mfa_attempt_counters."LockedUntil" <= $4)
        RETURNING {HotRows.CounterColumns}
        """;

    public const string ReadCounter = $"""SELECT {HotRows.CounterColumns} FROM mfa_attempt_counters WHERE "UserId" = $1 AND "Scope" = $2""";

    /// <summary>Locks the counter until $3, only if it is still exhausted ($4) with the lockouts it was read with ($5).</summary>
    public const string LockCounter =
        """
        UPDATE mfa_attempt_counters SET "Failures" = 0, "LockedUntil" = $3, "Lockouts" = "Lockouts" + 1
        WHERE "UserId" = $1 AND "Scope" = $2 AND "Failures" >= $4 AND "Lockouts" = $5
        """;

    /// <summary>A counter that is already clear is left alone: no new row version for nothing.</summary>
    public const string ResetCounter =
        """
        UPDATE mfa_attempt_counters SET "Failures" = 0, "Lockouts" = 0, "LockedUntil" = NULL
        WHERE "UserId" = $1 AND "Scope" = $2 AND ("Failures" <> 0 OR "Lockouts" <> 0 OR "LockedUntil" IS NOT NULL)
        """;

    public const string AdvanceTotpStep =
        """UPDATE mfa_factors SET "LastAcceptedStep" = $2 WHERE "Id" = $1 AND ("LastAcceptedStep" IS NULL OR "LastAcceptedStep" < $2)""";

    public const string ReplaceRecoveryCode = """UPDATE mfa_factors SET "RecoveryCodeHash" = $3 WHERE "Id" = $1 AND "RecoveryCodeHash" = $2""";

    public const string ReserveEnrollmentAttempt =
        """UPDATE mfa_enrollment_requests SET "FailedAttempts" = "FailedAttempts" + 1 WHERE "Id" = $1 AND "FailedAttempts" < $2 AND "ConsumedAt" IS NULL""";

    public const string ReservePassCodeAttempt = """UPDATE pass_codes SET "Attempts" = "Attempts" + 1 WHERE "Id" = $1 AND "Attempts" < $2""";

    public const string ConsumePassCode = """UPDATE pass_codes SET "ConsumedAt" = $2 WHERE "Id" = $1 AND "ConsumedAt" IS NULL""";

    /// <summary>Only a live session completes (<c>MfaSession.IsLive</c>): an expired one is as dead as a completed one.</summary>
    public const string CompleteMfaSession = """UPDATE mfa_sessions SET "CompletedAt" = $2 WHERE "Id" = $1 AND "CompletedAt" IS NULL AND "ExpiresAt" > $2""";

    public const string ConsumeEnrollment = """UPDATE mfa_enrollment_requests SET "ConsumedAt" = $2 WHERE "Id" = $1 AND "ConsumedAt" IS NULL""";

    /// <summary>ON CONFLICT DO NOTHING on the (UserId, Type) index: no row inserted means the user already has one of this type.</summary>
    public const string InsertFactor =
        $"""
        INSERT INTO mfa_factors ({HotRows.FactorColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT ("UserId", "Type") DO NOTHING
        """;

    public const string InsertAudit =
        """
        INSERT INTO audit_events ("At", "Type", "UserId", "AppId", "FactorType", "Outcome", "Detail", "ClientIp")
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """;

    public const string InsertAuditReturningId = InsertAudit + """ RETURNING "Id" """;

    public const string SavepointBind = "SAVEPOINT bind_factor";
    public const string RollbackToBind = "ROLLBACK TO SAVEPOINT bind_factor";
    public const string ReleaseBind = "RELEASE SAVEPOINT bind_factor";
}
