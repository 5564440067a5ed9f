using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;

namespace Portcullis.Core.SignIn;

/// <summary>
/// Binding a factor during sign-in, when the policy requires a second factor and the user has none at all: the one case where
/// an mfaToken (a first factor alone) may bind. A user with any factor must answer one; binding more waits for a sign-in that
/// passed MFA (<see cref="Users.StepUp"/>), or whoever stole a password could bind a factor of their own and pass.
/// </summary>
public sealed class MfaSignInEnrollment(MfaSignInService signIns, EnrollmentService enrollment, IMfaSessionStore sessions, ISecretProtector protector)
{
    public async Task<Result<EnrollmentStarted>> StartAsync(PendingSignIn signIn, FactorType type, CancellationToken ct)
    {
        if (await RefusalAsync(signIn, type, ct) is { } refused)
        {
            return refused;
        }

        var started = await enrollment.RequestAsync(signIn.Caller, type, new EnrollmentProfile(null, null, null), ct);
        if (!started.Succeeded)
        {
            return started;
        }

        // The wire's confirm call names no enrollment token: the session keeps it, encrypted like every secret at rest.
        return await sessions.TrySetEnrollmentAsync(signIn.Session.Id, protector.Protect(started.Value.EnrollmentToken), ct)
            ? started
            : Result<EnrollmentStarted>.Fail(ErrorKind.MfaTokenInvalid);
    }

    /// <summary>
    /// Binds the factor started with <see cref="StartAsync"/> with its answer, then completes the sign-in. The enrollment token is
    /// the one the session keeps, or <paramref name="enrollmentToken"/> when binding in the same request that started it.
    /// </summary>
    public async Task<Result<CompletedSignIn>> ConfirmAsync(PendingSignIn signIn, FactorType type, FactorAnswer answer, CancellationToken ct,
        string? enrollmentToken = null)
    {
        if (await RefusalAsync(signIn, type, ct) is { } refused)
        {
            return refused;
        }

        var token = enrollmentToken ?? (signIn.Session.ProtectedEnrollmentToken is { } kept ? protector.Unprotect(kept) : null);
        if (token is null)
        {
            return Result<CompletedSignIn>.Fail(ErrorKind.EnrollmentTokenInvalid);
        }

        var bound = await enrollment.EnrollAsync(signIn.Caller, type, token, answer, ct);
        return bound.Succeeded ? await signIns.CompleteWithNewFactorAsync(signIn, type, ct) : bound.Error!;
    }

    private async Task<Error?> RefusalAsync(PendingSignIn signIn, FactorType type, CancellationToken ct)
    {
        if (await signIns.RefusalAsync(signIn, type, ct) is { } notCounted)
        {
            return notCounted;
        }

        return signIn.Policy.Mode != MfaMode.Required || (await signIns.BoundAsync(signIn, ct)).Count > 0
            ? new Error(ErrorKind.SecondFactorBound)
            : null;
    }
}
