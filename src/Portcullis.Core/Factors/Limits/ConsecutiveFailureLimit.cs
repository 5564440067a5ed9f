using System.Globalization;
using Microsoft.Extensions.Logging;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// The steps of a consecutive-failure limit on one attempt counter, shared by the MFA factors (<see cref="AttemptGuard"/>) and
/// by passwords (<c>PasswordLockout</c>), which differ only in their numbers, their error and their audit event: reserve an
/// attempt (refused while locked), and after a failure lock once the limit is reached (doubling, capped), with a log line and
/// an audit event written in the same transaction.
/// </summary>
public sealed class ConsecutiveFailureLimit(
    LockoutOptions numbers,
    ErrorKind lockedError,
    string lockedAuditType,
    TimeProvider clock,
    ILogger logger)
{
    /// <summary>
    /// Takes an attempt from <paramref name="key"/>'s counter: null when granted, the locked error (with its end) when not.
    /// <paramref name="userId"/> (when known) goes into the audit event of a lock this has to complete.
    /// </summary>
    public async ValueTask<Error?> ReserveAsync(ICodeCheckTransaction tx, string key, string scope, string? userId)
    {
        var now = clock.GetUtcNow();
        var reservation = await tx.TryReserveAsync(key, scope, numbers.MaxConsecutiveFailures, now);
        if (reservation.Allowed)
        {
            return null;
        }

        // Refused but not locked: the attempts ran out without the failure that reached the limit being recorded (parallel
        // attempts, or a request that ended after reserving). Lock now, so the refusal ends like any lockout instead of lasting
        // for ever.
        if (reservation.LockedUntil is not { } until || until <= now)
        {
            until = await LockIfExhaustedAsync(tx, key, scope, userId, appId: null) ?? now;
        }

        return new Error(lockedError, until.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
    }

    /// <summary>Locks the counter if it reached the limit and records the lockout; the lock's end, or null when it did not lock.</summary>
    public async ValueTask<DateTimeOffset?> LockIfExhaustedAsync(ICodeCheckTransaction tx, string key, string scope, string? userId, string? appId)
    {
        var now = clock.GetUtcNow();
        var lockedUntil = await tx.LockIfExhaustedAsync(key, scope, numbers.MaxConsecutiveFailures, numbers.Lockout, numbers.MaxLockout, now);
        if (lockedUntil is null)
        {
            return null;
        }

        // The user id, never the key: a password counter's key is a hash of whatever was typed, sometimes a password.
        logger.LogWarning("{Scope} locked for user {UserId} until {LockedUntil}", scope, userId ?? "(no account)", lockedUntil);
        await tx.AuditAsync(new AuditEvent
        {
            At = now,
            Type = lockedAuditType,
            UserId = userId,
            AppId = appId,
            FactorType = scope,
            Outcome = "locked",
            Detail = $"until {lockedUntil:O}",
        });
        return lockedUntil;
    }

    /// <summary>After a success: the failures and the backoff start again.</summary>
    public async ValueTask<bool> ResetAsync(ICodeCheckTransaction tx, string key, string scope)
    {
        await tx.ResetAsync(key, scope);
        return true;
    }
}
