using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Users;

namespace Portcullis.Core.Passwords;

/// <summary>
/// The consecutive-failure limit on password checks. One counter per (user pool, login identifier), keyed by a hash of the
/// normalised identifier and never by the user id (as pass-code checks are keyed by recipient): an unknown account is counted
/// and locked exactly like a known one, so the lockout says nothing about which accounts exist. The counters are the MFA
/// attempt counters (scope <see cref="Scope"/>, apart from every factor's), so they are atomic and shared by every node the
/// same way. The same steps as the factors' <c>AttemptGuard</c>, with their own limits, error and audit events: reserve an
/// attempt before the hash (parallel guesses cannot pass the limit), then reset on a right password or record the failure,
/// which locks at the limit (15 minutes by default, doubling, capped).
/// </summary>
public sealed class PasswordLockout(ICodeCheckStore checks, IOptions<PasswordLockoutOptions> options, TimeProvider clock, ILogger<PasswordLockout> logger)
{
    /// <summary>The counter scope: never a factor type, so password and OTP failures never share a counter (Keycloak #46164).</summary>
    public const string Scope = "PASSWORD";

    /// <summary>
    /// The counter key for <paramref name="identifier"/> in <paramref name="poolId"/>: base64url SHA-256 of the pool and the
    /// identifier's canonical form, the same whichever field (email, username, phone, account) carried it, so switching
    /// fields gains an attacker no attempts. Hashed so the table keeps no typed identifiers (people type passwords into them).
    /// </summary>
    public static string KeyFor(string poolId, string identifier)
    {
        var canonical = Normalise.Email(identifier) ?? Normalise.Phone(identifier) ?? Normalise.Username(identifier)
            ?? identifier.Trim().ToLowerInvariant();
        return Ids.HashToken(poolId + "\n" + canonical);
    }

    /// <summary>Counts one attempt before the password is looked at; the <see cref="ErrorKind.PasswordLocked"/> error while locked.</summary>
    public Task<Error?> ReserveAsync(string key, CancellationToken ct) => checks.RunAsync(async tx =>
    {
        var now = clock.GetUtcNow();
        var reservation = await tx.TryReserveAsync(key, Scope, options.Value.MaxConsecutiveFailures, now);
        if (reservation.Allowed)
        {
            return null;
        }

        // Refused but not locked: the attempts ran out before the failure that reached the limit was recorded (parallel
        // guesses, or a request that ended after reserving). Lock now, so the refusal ends like any lockout.
        if (reservation.LockedUntil is not { } until || until <= now)
        {
            until = await LockIfExhaustedAsync(tx, key, userId: null, appId: null) ?? now;
        }

        return (Error?)new Error(ErrorKind.PasswordLocked, until.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
    }, ct);

    /// <summary>After a wrong password (or an unknown account): audits it, and locks once the limit is reached.</summary>
    public Task FailAsync(string key, string? userId, string? appId, CancellationToken ct) => checks.RunAsync(async tx =>
    {
        await tx.AuditAsync(Audit(AuditTypes.PasswordFailed, "failed", userId, appId, userId is null ? "no such account" : "password did not match"));
        return await LockIfExhaustedAsync(tx, key, userId, appId);
    }, ct);

    /// <summary>After a right password: the failures and the backoff start again.</summary>
    public Task SucceedAsync(string key, CancellationToken ct) => checks.RunAsync(async tx =>
    {
        await tx.ResetAsync(key, Scope);
        return true;
    }, ct);

    private async ValueTask<DateTimeOffset?> LockIfExhaustedAsync(ICodeCheckTransaction tx, string key, string? userId, string? appId)
    {
        var o = options.Value;
        var lockedUntil = await tx.LockIfExhaustedAsync(key, Scope, o.MaxConsecutiveFailures,
            TimeSpan.FromMinutes(o.LockoutMinutes), TimeSpan.FromMinutes(o.MaxLockoutMinutes), clock.GetUtcNow());
        if (lockedUntil is null)
        {
            return null;
        }

        logger.LogWarning("Password sign-in locked for user {UserId} (none: an identifier without an account) until {LockedUntil}", userId, lockedUntil);
        await tx.AuditAsync(Audit(AuditTypes.PasswordLockedOut, "locked", userId, appId, $"until {lockedUntil:O}"));
        return lockedUntil;
    }

    /// <summary>The user id is there when the account exists (the audit log is not an answer to the caller); the identifier never is,
    /// nor its counter key: that is a fast hash of whatever was typed, and people type passwords into the identifier field.</summary>
    private AuditEvent Audit(string type, string outcome, string? userId, string? appId, string detail) => new()
    {
        At = clock.GetUtcNow(),
        Type = type,
        UserId = userId,
        AppId = appId,
        FactorType = Scope,
        Outcome = outcome,
        Detail = detail,
    };
}
