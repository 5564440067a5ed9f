using Microsoft.Extensions.Logging;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Users;

namespace Portcullis.Core.Factors;

/// <summary>Bound factors: list, read, unbind, what is left to bind, challenge and verify (through each type's provider).</summary>
public sealed class FactorService(
    IFactorStore factors,
    StepUp stepUpRule,
    FactorProviders providers,
    AttemptGuard guard,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<FactorService> logger)
{
    /// <summary>The lockout scope of recovery codes, counted apart from the OTP codes they stand in for.</summary>
    public const string RecoveryScope = "RECOVERY";

    public Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct) => factors.ListAsync(userId, ct);

    public async Task<Result<Factor>> GetAsync(string userId, string? factorId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(factorId) || factorId.Length > 64)
        {
            return Result<Factor>.Fail(ErrorKind.InvalidArgument, "factorId");
        }

        // Another user's factor answers exactly like one that does not exist.
        var factor = await factors.FindAsync(userId, factorId, ct);
        return factor is null ? Result<Factor>.Fail(ErrorKind.FactorNotFound) : Result<Factor>.Ok(factor);
    }

    /// <summary>Unbinds one factor; a caller whose session did not pass MFA may not (<see cref="StepUp"/>).</summary>
    public async Task<Result<Factor>> ResetAsync(MfaCaller caller, string? factorId, CancellationToken ct)
    {
        var userId = caller.User.Id;
        var factor = await GetAsync(userId, factorId, ct);
        if (!factor.Succeeded)
        {
            return factor;
        }

        if (await stepUpRule.ForFactorChangeAsync(caller, ct) is { } stepUp)
        {
            return stepUp;
        }

        if (!await factors.DeleteAsync(userId, factor.Value.Id, ct))
        {
            return Result<Factor>.Fail(ErrorKind.FactorNotFound);
        }

        await audit.WriteAsync(FactorAudit.New(clock, userId, caller.App.Id, factor.Value.Type.ToWire(), AuditTypes.Reset, "unbound", factor.Value.Id), ct);
        logger.LogInformation("User {UserId} unbound factor {FactorId}", userId, factor.Value.Id);
        return factor;
    }

    /// <summary>The factors the application offers that the user has not bound yet, in a stable order.</summary>
    public async Task<IReadOnlyList<FactorType>> ListToEnrollAsync(Application app, string userId, CancellationToken ct)
    {
        var bound = (await factors.ListAsync(userId, ct)).Select(f => f.Type).ToHashSet();
        return [.. providers.OfferedBy(app).Where(t => !bound.Contains(t))];
    }

    /// <summary>At sign-in: sends what the user's factor of <paramref name="type"/> needs to be answered (a code), or nothing.</summary>
    public async Task<Error?> ChallengeAsync(MfaCaller caller, FactorType type, CancellationToken ct)
    {
        var factor = await factors.FindByTypeAsync(caller.User.Id, type, ct);
        return factor is null ? new Error(ErrorKind.FactorNotFound) : await providers.For(type).ChallengeAsync(caller, factor, ct);
    }

    /// <summary>
    /// Checks an answer against the user's factor of <paramref name="type"/>: the provider checks it before the transaction
    /// (a TOTP computed, a photo compared), then the attempt, the answer's claim (a TOTP step or a code accepted once, on every
    /// node), the outcome and the audit event commit together. Failures count towards the (user, type) lockout. A right answer
    /// must first win <paramref name="completes"/> when given (the sign-in it answers), in the same transaction.
    /// </summary>
    public async Task<Result<Factor>> VerifyAsync(MfaCaller caller, FactorType type, FactorAnswer answer, CancellationToken ct,
        ClaimAlong? completes = null)
    {
        var factor = await factors.FindByTypeAsync(caller.User.Id, type, ct);
        if (factor is null)
        {
            return Result<Factor>.Fail(ErrorKind.FactorNotFound);
        }

        var scope = type.ToWire();
        var checkedAnswer = await providers.For(type).CheckAnswerAsync(caller, factor, answer, ct);
        if (completes is not null)
        {
            checkedAnswer = checkedAnswer.AlsoClaiming(completes.Claim, completes.Refused);
        }

        return await guard.CheckAnswerAsync(caller.User.Id, caller.App.Id, scope, checkedAnswer, (tx, outcome) =>
            tx.AuditAsync(FactorAudit.New(clock, caller.User.Id, caller.App.Id, scope,
                outcome == AnswerOutcome.Right ? AuditTypes.Verified : AuditTypes.VerifyFailed,
                outcome switch { AnswerOutcome.Right => "verified", AnswerOutcome.Replayed => "replayed answer", _ => "wrong answer" })), ct);
    }

    /// <summary>
    /// Spends the user's recovery code (the one issued with OTP enrollment) and answers its replacement, shown once: a code is
    /// good for one use, compared in constant time, replaced by compare-and-set so two requests cannot both spend it, and
    /// wrong codes count towards their own lockout.
    /// </summary>
    public async Task<Result<string>> UseRecoveryCodeAsync(string userId, string appId, string? code, CancellationToken ct, ClaimAlong? completes = null)
    {
        var factor = await factors.FindByTypeAsync(userId, FactorType.Otp, ct);
        if (factor?.RecoveryCodeHash is not { } expectedHash)
        {
            return Result<string>.Fail(ErrorKind.TotpNotBound);
        }

        var wrong = new Error(ErrorKind.WrongRecoveryCode);
        var replacement = Codes.NewRecoveryCode();
        var replacementHash = SecretHash.Hash(Codes.NormaliseRecoveryCode(replacement));
        var checkedCode = code is { Length: <= 64 } && SecretHash.Verify(Codes.NormaliseRecoveryCode(code), expectedHash)
            ? AnswerCheck<string>.Right(replacement, async tx => await tx.TryReplaceRecoveryCodeAsync(factor.Id, expectedHash, replacementHash), wrong)
            : AnswerCheck<string>.Wrong(wrong);
        if (completes is not null)
        {
            checkedCode = checkedCode.AlsoClaiming(completes.Claim, completes.Refused);
        }

        var result = await guard.CheckAnswerAsync(userId, appId, RecoveryScope, checkedCode, (tx, outcome) =>
            tx.AuditAsync(FactorAudit.New(clock, userId, appId, RecoveryScope,
                outcome == AnswerOutcome.Right ? AuditTypes.RecoveryUsed : AuditTypes.VerifyFailed,
                outcome == AnswerOutcome.Right ? "recovery code spent, new one issued" : "wrong recovery code")), ct);
        if (result.Succeeded)
        {
            logger.LogInformation("User {UserId} used a recovery code; a new one was issued", userId);
        }

        return result;
    }
}

/// <summary>A compare-and-set a right answer must also win inside its code check, and the error when it loses.</summary>
public sealed record ClaimAlong(Func<ICodeCheckTransaction, ValueTask<bool>> Claim, Error Refused);
