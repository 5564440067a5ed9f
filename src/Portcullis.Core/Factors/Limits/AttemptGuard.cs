using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// The consecutive-failure limit per (user, factor type), applied the same way by every code check: reserve an attempt
/// (atomic, refuses while locked), check the code, then either reset (right) or lock once the limit is reached (wrong).
/// <see cref="CheckAsync{T}"/> does all of it in one transaction; <see cref="ReserveAsync"/>, <see cref="FailAsync"/> and
/// <see cref="SucceedAsync"/> are the same steps one transaction each, for checks that must call other services in between.
/// </summary>
public sealed class AttemptGuard(
    ICodeCheckStore checks,
    IOptions<MfaOptions> options,
    TimeProvider clock,
    ILogger<AttemptGuard> logger)
{
    private readonly ConsecutiveFailureLimit _limit = new(options.Value.MaxConsecutiveFailures,
        TimeSpan.FromMinutes(options.Value.LockoutMinutes), TimeSpan.FromMinutes(options.Value.MaxLockoutMinutes),
        ErrorKind.FactorLocked, AuditTypes.LockedOut, clock, logger);

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

            if (await _limit.ReserveAsync(tx, userId, scope, userId) is { } locked)
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
                await _limit.LockIfExhaustedAsync(tx, userId, scope, userId, appId);
            }

            return outcome;
        }, ct);

    public Task<Error?> ReserveAsync(string userId, string scope, CancellationToken ct) =>
        checks.RunAsync(tx => _limit.ReserveAsync(tx, userId, scope, userId), ct);

    /// <summary>Records a wrong code and answers <paramref name="wrong"/>; the failure that reaches the limit also locks, so the next attempt is refused.</summary>
    public async Task<Error> FailAsync(string userId, string? appId, string scope, Error wrong, CancellationToken ct)
    {
        await checks.RunAsync(tx => _limit.LockIfExhaustedAsync(tx, userId, scope, userId, appId), ct);
        return wrong;
    }

    public Task SucceedAsync(string userId, string scope, CancellationToken ct) => checks.RunAsync(tx => _limit.ResetAsync(tx, userId, scope), ct);
}
