using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// The consecutive-failure limit per (user, factor type), applied the same way by every code check: reserve an attempt
/// (atomic, refuses while locked), check the code, then either reset (right) or lock once the limit is reached (wrong).
/// </summary>
public sealed class AttemptGuard(IAttemptCounterStore counters, IAuditLog audit, IOptions<MfaOptions> options, TimeProvider clock, ILogger<AttemptGuard> logger)
{
    public async Task<Error?> ReserveAsync(string userId, string scope, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var reservation = await counters.TryReserveAsync(userId, scope, o.MaxConsecutiveFailures, now, ct);
        if (reservation.Allowed)
        {
            return null;
        }

        // Refused but not locked: the attempts ran out without a recorded failure (a request that ended after reserving,
        // e.g. cancelled or refused for another reason). Turn that into an ordinary lockout so it ends, instead of refusing forever.
        if (reservation.LockedUntil is not { } until || until <= now)
        {
            until = await LockIfExhaustedAsync(userId, null, scope, ct) ?? now;
        }

        return LockedError(until);
    }

    /// <summary>Records a wrong code and answers <paramref name="wrong"/>; the failure that reaches the limit also locks, so the next attempt is refused.</summary>
    public async Task<Error> FailAsync(string userId, string? appId, string scope, Error wrong, CancellationToken ct)
    {
        await LockIfExhaustedAsync(userId, appId, scope, ct);
        return wrong;
    }

    public Task SucceedAsync(string userId, string scope, CancellationToken ct) => counters.ResetAsync(userId, scope, ct);

    /// <summary>Locks the counter if it reached the limit (15 min, doubling, capped) and records the lockout; null when it did not.</summary>
    private async Task<DateTimeOffset?> LockIfExhaustedAsync(string userId, string? appId, string scope, CancellationToken ct)
    {
        var o = options.Value;
        var lockedUntil = await counters.LockIfExhaustedAsync(userId, scope, o.MaxConsecutiveFailures,
            TimeSpan.FromMinutes(o.LockoutMinutes), TimeSpan.FromMinutes(o.MaxLockoutMinutes), clock.GetUtcNow(), ct);
        if (lockedUntil is null)
        {
            return null;
        }

        logger.LogWarning("MFA {Scope} locked for user {UserId} until {LockedUntil}", scope, userId, lockedUntil);
        await audit.WriteAsync(new AuditEvent
        {
            At = clock.GetUtcNow(),
            Type = AuditTypes.LockedOut,
            UserId = userId,
            AppId = appId,
            FactorType = scope,
            Outcome = "locked",
            Detail = $"until {lockedUntil:O}",
        }, ct);
        return lockedUntil;
    }

    private Error LockedError(DateTimeOffset? until) =>
        new(ErrorKind.FactorLocked, (until ?? clock.GetUtcNow()).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
}
