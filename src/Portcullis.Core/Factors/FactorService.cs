using Microsoft.Extensions.Logging;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Factors.Otp;

namespace Portcullis.Core.Factors;

/// <summary>Bound factors: list, read, unbind, what is left to bind, and TOTP verification.</summary>
public sealed class FactorService(
    IFactorStore factors,
    FactorOffers offers,
    AttemptGuard guard,
    IAuditLog audit,
    ISecretProtector protector,
    TimeProvider clock,
    ILogger<FactorService> logger)
{
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

    public async Task<Result<Factor>> ResetAsync(string userId, string appId, string? factorId, CancellationToken ct)
    {
        var factor = await GetAsync(userId, factorId, ct);
        if (!factor.Succeeded)
        {
            return factor;
        }

        if (!await factors.DeleteAsync(userId, factor.Value.Id, ct))
        {
            return Result<Factor>.Fail(ErrorKind.FactorNotFound);
        }

        await audit.WriteAsync(NewAudit(userId, appId, factor.Value.Type.ToWire(), AuditTypes.Reset, "unbound", factor.Value.Id), ct);
        logger.LogInformation("User {UserId} unbound factor {FactorId}", userId, factor.Value.Id);
        return factor;
    }

    /// <summary>The factors the application offers that the user has not bound yet, in a stable order.</summary>
    public async Task<IReadOnlyList<FactorType>> ListToEnrollAsync(Application app, string userId, CancellationToken ct)
    {
        var bound = (await factors.ListAsync(userId, ct)).Select(f => f.Type).ToHashSet();
        return [.. Enum.GetValues<FactorType>().Where(t => offers.IsOffered(app, t) && !bound.Contains(t))];
    }

    /// <summary>
    /// Checks a TOTP against the user's bound OTP factor: ±1 step, each step accepted once (compare-and-set on the factor,
    /// so a replay fails on every node), failures counted towards the lockout. The code is checked before the transaction
    /// (CPU only); the reservation, the compare-and-set, the outcome and the audit event then commit together.
    /// </summary>
    public async Task<Result<bool>> VerifyTotpAsync(string userId, string appId, string? code, CancellationToken ct)
    {
        var factor = await factors.FindByTypeAsync(userId, FactorType.Otp, ct);
        if (factor?.ProtectedSecret is null)
        {
            return Result<bool>.Fail(ErrorKind.TotpNotBound);
        }

        var seed = Convert.FromBase64String(protector.Unprotect(factor.ProtectedSecret));
        var step = TotpVerifier.MatchStep(seed, code, clock.GetUtcNow());
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);

        const string scope = "OTP";
        return await guard.CheckAsync(userId, appId, scope, async tx =>
        {
            var accepted = step is { } s && await tx.TryAdvanceTotpStepAsync(factor.Id, s);
            await tx.AuditAsync(NewAudit(userId, appId, scope, accepted ? AuditTypes.Verified : AuditTypes.VerifyFailed,
                accepted ? "verified" : step is null ? "wrong code" : "replayed code"));
            return accepted ? Result<bool>.Ok(true) : Result<bool>.Fail(ErrorKind.WrongTotp);
        }, ct);
    }

    /// <summary>
    /// Spends the user's recovery code (the one issued with OTP enrollment) and answers its replacement, shown once: a code is
    /// good for one use, compared in constant time, replaced by compare-and-set so two requests cannot both spend it, and
    /// wrong codes count towards their own lockout. No endpoint calls it yet: recovery codes belong to sign-in MFA, which is
    /// not yet served.
    /// </summary>
    public async Task<Result<string>> UseRecoveryCodeAsync(string userId, string appId, string? code, CancellationToken ct)
    {
        var factor = await factors.FindByTypeAsync(userId, FactorType.Otp, ct);
        if (factor?.RecoveryCodeHash is null)
        {
            return Result<string>.Fail(ErrorKind.TotpNotBound);
        }

        const string scope = "RECOVERY";
        var expectedHash = factor.RecoveryCodeHash;
        var replacement = Codes.NewRecoveryCode();
        var matches = code is { Length: <= 64 } && SecretHash.Verify(Codes.NormaliseRecoveryCode(code), expectedHash);
        var replacementHash = SecretHash.Hash(Codes.NormaliseRecoveryCode(replacement));
        var result = await guard.CheckAsync(userId, appId, scope, async tx =>
        {
            var accepted = matches && await tx.TryReplaceRecoveryCodeAsync(factor.Id, expectedHash, replacementHash);
            await tx.AuditAsync(NewAudit(userId, appId, scope, accepted ? AuditTypes.RecoveryUsed : AuditTypes.VerifyFailed,
                accepted ? "recovery code spent, new one issued" : "wrong recovery code"));
            return accepted ? Result<string>.Ok(replacement) : Result<string>.Fail(ErrorKind.WrongRecoveryCode);
        }, ct);
        if (result.Succeeded)
        {
            logger.LogInformation("User {UserId} used a recovery code; a new one was issued", userId);
        }

        return result;
    }

    private AuditEvent NewAudit(string userId, string appId, string factorType, string type, string outcome, string? detail = null) => new()
    {
        At = clock.GetUtcNow(),
        Type = type,
        UserId = userId,
        AppId = appId,
        FactorType = factorType,
        Outcome = outcome,
        Detail = detail,
    };
}
