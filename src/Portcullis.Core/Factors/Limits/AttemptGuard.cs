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
        var reservation = await counters.TryReserveAsync(userId, scope, options.Value.MaxConsecutiveFailures, clock.GetUtcNow(), ct);
        return reservation.Allowed ? null : LockedError(reservation.LockedUntil);
    }

    /// <summary>Records a wrong code; answers <paramref name="wrong"/>, or the lockout once this failure reached the limit.</summary>
    public async Task<Error> FailAsync(string userId, string? appId, string scope, Error wrong, CancellationToken ct)
    {
        var o = options.Value;
        var lockedUntil = await counters.LockIfExhaustedAsync(userId, scope, o.MaxConsecutiveFailures,
            TimeSpan.FromMinutes(o.LockoutMinutes), TimeSpan.FromMinutes(o.MaxLockoutMinutes), clock.GetUtcNow(), ct);
        if (lockedUntil is null)
        {
            return wrong;
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
        return wrong;
    }

    public Task SucceedAsync(string userId, string scope, CancellationToken ct) => counters.ResetAsync(userId, scope, ct);

    private Error LockedError(DateTimeOffset? until) =>
        new(ErrorKind.FactorLocked, (until ?? clock.GetUtcNow()).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
}
