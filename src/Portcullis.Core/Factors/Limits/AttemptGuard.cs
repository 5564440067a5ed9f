using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// The consecutive-failure limit per (user, factor type), applied the same way by every code check: reserve an attempt
/// (atomic, refuses while locked), check the code, then either reset (right) or lock once the limit is reached (wrong).
/// <see cref="CheckAsync{T}"/> does all of it in one transaction; <see cref="CheckAnswerAsync{T}"/> is that transaction for an
/// answer checked beforehand (<see cref="AnswerCheck{T}"/>), which is how every secret is checked.
/// </summary>
public sealed class AttemptGuard(
    ICodeCheckStore checks,
    IOptions<MfaOptions> options,
    TimeProvider clock,
    ILogger<AttemptGuard> logger)
{
    private readonly ConsecutiveFailureLimit _limit = new(options.Value,
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

    /// <summary>
    /// The one path of every answer to a secret (TOTP, SMS/EMAIL code, recovery code, pass code, photo): an invalid answer is
    /// refused before any attempt is counted; otherwise, in one transaction, the precondition, the reservation, the claim of a
    /// right answer (its compare-and-set), <paramref name="record"/> (the caller's audit event) and the outcome commit together.
    /// </summary>
    public async Task<Result<T>> CheckAnswerAsync<T>(string subject, string? appId, string scope, AnswerCheck<T> answer,
        Func<ICodeCheckTransaction, AnswerOutcome, ValueTask> record, CancellationToken ct)
        where T : class
    {
        if (answer.Invalid is { } invalid)
        {
            return invalid;
        }

        return await CheckAsync(subject, appId, scope, async tx =>
        {
            var refusal = !answer.IsRight ? answer.WrongAnswer : answer.Claim is { } claim ? await claim(tx) : null;
            var outcome = refusal is null ? AnswerOutcome.Right : answer.IsRight ? AnswerOutcome.Replayed : AnswerOutcome.Wrong;
            await record(tx, outcome);
            return refusal is null ? Result<T>.Ok(answer.Value!) : refusal;
        }, ct, answer.Precondition);
    }
}
