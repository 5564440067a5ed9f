using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// The consecutive-failure limit per (user, factor type), applied the same way by every code check: reserve an attempt
/// (atomic, refuses while locked), check the code, then either reset (right) or lock once the limit is reached (wrong).
/// <see cref="CheckAsync{T}"/> does all of it in one transaction; <see cref="ReserveAsync"/>, <see cref="FailAsync"/> and
/// <see cref="SucceedAsync"/> are the same steps one statement at a time, for checks that must call other services in between.
/// </summary>
public sealed class AttemptGuard(
    IAttemptCounterStore counters,
    ICodeCheckStore checks,
    IAuditLog audit,
    IOptions<MfaOptions> options,
    TimeProvider clock,
    ILogger<AttemptGuard> logger)
{
    /// <summary>
    /// Reserves an attempt, runs <paramref name="check"/> (which writes its own compare-and-set and audit event through the
    /// transaction), then resets the counter on success or locks it when this failure reached the limit; one commit in all.
    /// A <paramref name="precondition"/> that refuses (e.g. an exhausted enrollment token) answers before any attempt is counted.
    /// </summary>
    public Task<Result<T>> CheckAsync<T>(string userId, string? appId, string scope, Func<ICodeCheckTransaction, ValueTask<Result<T>>> check,
        CancellationToken ct, Func<ICodeCheckTransaction, ValueTask<Error?>>? precondition = null) =>
        checks.RunAsync(async tx =>
        {
            if (precondition is not null && await precondition(tx) is { } refused)
            {
                return (Result<T>)refused;
            }

            if (await ReserveAsync(tx, userId, scope) is { } locked)
            {
                return (Result<T>)locked;
            }

            var outcome = await check(tx);
            if (outcome.Succeeded)
            {
                await tx.ResetAsync(userId, scope);
            }
            else
            {
                await LockIfExhaustedAsync(tx, userId, appId, scope);
            }

            return outcome;
        }, ct);

    public async Task<Error?> ReserveAsync(string userId, string scope, CancellationToken ct) =>
        await ReserveAsync(new AutoCommitCheck(counters, null, null, audit, ct), userId, scope);

    /// <summary>Records a wrong code and answers <paramref name="wrong"/>; the failure that reaches the limit also locks, so the next attempt is refused.</summary>
    public async Task<Error> FailAsync(string userId, string? appId, string scope, Error wrong, CancellationToken ct)
    {
        await LockIfExhaustedAsync(new AutoCommitCheck(counters, null, null, audit, ct), userId, appId, scope);
        return wrong;
    }

    public Task SucceedAsync(string userId, string scope, CancellationToken ct) => counters.ResetAsync(userId, scope, ct);

    private async ValueTask<Error?> ReserveAsync(ICodeCheckTransaction tx, string userId, string scope)
    {
        var now = clock.GetUtcNow();
        var reservation = await tx.TryReserveAsync(userId, scope, options.Value.MaxConsecutiveFailures, now);
        if (reservation.Allowed)
        {
            return null;
        }

        // Refused but not locked: the attempts ran out without a recorded failure (a request that ended after reserving,
        // e.g. cancelled or refused for another reason). Turn that into an ordinary lockout so it ends, instead of refusing forever.
        if (reservation.LockedUntil is not { } until || until <= now)
        {
            until = await LockIfExhaustedAsync(tx, userId, null, scope) ?? now;
        }

        return LockedError(until);
    }

    /// <summary>Locks the counter if it reached the limit (15 min, doubling, capped) and records the lockout; null when it did not.</summary>
    private async ValueTask<DateTimeOffset?> LockIfExhaustedAsync(ICodeCheckTransaction tx, string userId, string? appId, string scope)
    {
        var o = options.Value;
        var lockedUntil = await tx.LockIfExhaustedAsync(userId, scope, o.MaxConsecutiveFailures,
            TimeSpan.FromMinutes(o.LockoutMinutes), TimeSpan.FromMinutes(o.MaxLockoutMinutes), clock.GetUtcNow());
        if (lockedUntil is null)
        {
            return null;
        }

        logger.LogWarning("MFA {Scope} locked for user {UserId} until {LockedUntil}", scope, userId, lockedUntil);
        await tx.AuditAsync(new AuditEvent
        {
            At = clock.GetUtcNow(),
            Type = AuditTypes.LockedOut,
            UserId = userId,
            AppId = appId,
            FactorType = scope,
            Outcome = "locked",
            Detail = $"until {lockedUntil:O}",
        });
        return lockedUntil;
    }

    private Error LockedError(DateTimeOffset? until) =>
        new(ErrorKind.FactorLocked, (until ?? clock.GetUtcNow()).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
}
