using System.Security.Cryptography;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Factors.Otp;
using Portcullis.Core.Tokens;

namespace Portcullis.Core.Factors.Providers;

/// <summary>
/// OTP (TOTP, RFC 6238): enrollment offers a seed (as an <c>otpauth://</c> URI) and a recovery code; a code is accepted within
/// ±1 step, and each step once per factor (the factor keeps the last accepted step; the enrollment code's step included).
/// Nothing is sent at sign-in.
/// </summary>
public sealed class OtpFactorProvider(ISecretProtector protector, TimeProvider clock) : IFactorProvider
{
    public string Method => AuthenticationMethods.OneTimeCode;

    public Result<EnrollmentOffer> Offer(MfaCaller caller, EnrollmentProfile profile, EnrollmentRequest pending)
    {
        var seed = TotpVerifier.NewSeed();
        try
        {
            var recovery = Codes.NewRecoveryCode();
            var account = caller.User.Email ?? caller.User.Username ?? caller.User.Phone ?? caller.User.Id;
            return Result<EnrollmentOffer>.Ok(new EnrollmentOffer(
                pending with
                {
                    ProtectedSecret = protector.Protect(Convert.ToBase64String(seed)),
                    RecoveryCodeHash = SecretHash.Hash(Codes.NormaliseRecoveryCode(recovery)),
                },
                OtpKeyUri: TotpVerifier.KeyUri(seed, caller.PoolName, account),
                OtpSecret: TotpVerifier.ToBase32(seed),
                RecoveryCode: recovery));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public Task<AnswerCheck<Factor>> CheckEnrollmentAsync(MfaCaller caller, EnrollmentRequest pending, FactorAnswer answer, Factor unbound, CancellationToken ct) =>
        Task.FromResult(MatchStep(pending.ProtectedSecret, answer.Code) is { } step
            ? AnswerCheck<Factor>.Right(unbound with
            {
                ProtectedSecret = pending.ProtectedSecret,
                LastAcceptedStep = step,
                RecoveryCodeHash = pending.RecoveryCodeHash,
            })
            : AnswerCheck<Factor>.Wrong(new Error(ErrorKind.WrongTotp)));

    public Task<Error?> ChallengeAsync(MfaCaller caller, Factor factor, CancellationToken ct) => Task.FromResult<Error?>(null);

    public Task<AnswerCheck<Factor>> CheckAnswerAsync(MfaCaller caller, Factor factor, FactorAnswer answer, CancellationToken ct)
    {
        var wrong = new Error(ErrorKind.WrongTotp);
        return Task.FromResult(MatchStep(factor.ProtectedSecret, answer.Code) is { } step
            ? AnswerCheck<Factor>.Right(factor, async tx => await tx.TryAdvanceTotpStepAsync(factor.Id, step), replayed: wrong)
            : AnswerCheck<Factor>.Wrong(wrong));
    }

    /// <summary>The step <paramref name="code"/> matches now under the encrypted seed, or null.</summary>
    private long? MatchStep(string? protectedSeed, string? code)
    {
        if (protectedSeed is null)
        {
            return null;
        }

        var seed = Convert.FromBase64String(protector.Unprotect(protectedSeed));
        try
        {
            return TotpVerifier.MatchStep(seed, code, clock.GetUtcNow());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
